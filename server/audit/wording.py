"""The audit log in words: each action code as a sentence in the reader's language, with the details
that matter (a status change, a comment, an address, what changed) as label and value.

The one place that knows what each code means to a person: the audit page and a visit's history
both read their wording here. Codes are recorded all over the server (``record(...)``); a code
missing here still reads as a generic sentence, and tests/audit/test_wording.py fails until it is
added.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import LazyString, format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from server.i18n import format_dmy
from server.units.models import Unit
from server.visits.labels import form_label, status_label
from server.visits.models import Topic, Visit

#: Short names of the codes: the log's action filter and the headings of a visit's history.
ACTION_LABELS: dict[str, LazyString] = {
    "sign_in": _l("Signed in"), "sign_out": _l("Signed out"),
    "sign_in_failed": _l("Failed sign-in"), "sign_in_blocked": _l("Sign-in refused"),
    "two_factor_failed": _l("Wrong authenticator code"),
    "two_factor_blocked": _l("Authenticator code refused"),
    "reauth_failed": _l("Wrong password at confirmation"), "reauth_blocked": _l("Confirmation refused"),
    "change_password": _l("Password changed"), "reset_password": _l("Password reset"),
    "deactivate": _l("Account deactivated"), "reactivate": _l("Account reactivated"),
    "create": _l("Created"), "update": _l("Changed"), "import": _l("File imported"),
    "retire": _l("Retired"), "restore": _l("Restored"), "merge": _l("Units merged"),
    "revoke_all": _l("All device tokens revoked"), "sign_out_devices": _l("Other devices signed out"),
    "token_issue": _l("Device token issued"), "token_revoke": _l("Device token revoked"),
    "recovery_code_used": _l("Recovery code used"), "recovery_codes_regenerate": _l("New recovery codes"),
    "two_factor_enable": _l("Two-step sign-in on"), "two_factor_disable": _l("Two-step sign-in off"),
    "two_factor_reset": _l("Two-step sign-in reset"), "access_denied": _l("Access refused"),
    "assign": _l("Units assigned"), "end": _l("Assignment ended"),
    "exempt": _l("Exempted from the minimum"), "unexempt": _l("Exemption removed"),
    "closing_report_created": _l("Closing report written"),
    "closing_report_updated": _l("Closing report changed"),
    "hearing_opened": _l("Hearing opened"), "hearing_conclusion": _l("Hearing conclusion"),
    "account_created": _l("Monthly account sent"), "account_updated": _l("Monthly account changed"),
    "direction_created": _l("Direction given"), "direction_updated": _l("Direction changed"),
    "direction_done": _l("Direction done"),
    "photo_added": _l("Photo added"), "photo_removed": _l("Photo removed"),
    "visit_created": _l("Sent by the cadre"), "visit_updated": _l("Changed by the cadre"),
    "visit_approve": _l("Approved"), "visit_return": _l("Returned"),
    "visit_reopen": _l("Reopened after approval"),
}

#: Each code as a sentence, keyed ``action:entity_type`` where one code means different things
#: (``create`` a unit, a user, a topic…), else ``action``. Placeholders: who, target (the record's
#: name), name, username, count, year, month, cadre, unit, owner, path.
SENTENCES: dict[str, LazyString] = {
    "sign_in": _l("%(who)s signed in"),
    "sign_out": _l("%(who)s signed out"),
    "sign_in_failed": _l("A sign-in as “%(username)s” failed"),
    "sign_in_blocked": _l("A sign-in as “%(username)s” was refused: too many wrong passwords"),
    "two_factor_failed": _l("A wrong authenticator code was entered for “%(username)s”"),
    "two_factor_blocked": _l("The second sign-in step of “%(username)s” was refused: too many wrong codes"),
    "reauth_failed": _l("%(who)s entered a wrong password when asked to confirm it"),
    "reauth_blocked": _l("%(who)s was refused a password confirmation: too many wrong passwords"),
    "change_password": _l("%(who)s changed their password"),
    "reset_password": _l("%(who)s reset the password of %(target)s"),
    "deactivate": _l("%(who)s deactivated the account of %(target)s"),
    "reactivate": _l("%(who)s reactivated the account of %(target)s"),
    "create:user": _l("%(who)s created the account of %(target)s"),
    "update:user": _l("%(who)s changed the account of %(target)s"),
    "import:users": _l("%(who)s imported a users file (%(count)s rows)"),
    "import:units": _l("%(who)s imported a units file (%(count)s rows)"),
    "revoke_all": _l("%(who)s revoked every device token of %(target)s"),
    "sign_out_devices": _l("%(who)s signed out their other devices and browsers"),
    "token_issue": _l("%(who)s was issued a device token for “%(name)s”"),
    "token_revoke": _l("%(who)s revoked a device token of %(owner)s"),
    "recovery_code_used": _l("%(who)s used a recovery code"),
    "recovery_codes_regenerate": _l("%(who)s made new recovery codes"),
    "two_factor_enable": _l("%(who)s turned two-step sign-in on"),
    "two_factor_disable": _l("%(who)s turned two-step sign-in off"),
    "two_factor_reset": _l("%(who)s reset the two-step sign-in of %(target)s"),
    "access_denied": _l("%(who)s was refused access to %(path)s"),
    "assign": _l("%(who)s put %(target)s in charge of %(count)s units"),
    "end:assignment": _l("%(who)s ended an assignment to a unit"),
    "create:unit": _l("%(who)s created the unit %(target)s"),
    "update:unit": _l("%(who)s changed the unit %(target)s"),
    "retire:unit": _l("%(who)s retired the unit %(target)s"),
    "merge:unit": _l("%(who)s merged %(count)s units into %(target)s"),
    "update:unit_letterhead": _l("%(who)s changed the letterhead of %(target)s"),
    "create:topic": _l("%(who)s added the topic “%(target)s”"),
    "update:topic": _l("%(who)s changed the topic “%(target)s”"),
    "retire:topic": _l("%(who)s retired the topic “%(target)s”"),
    "restore:topic": _l("%(who)s brought the topic “%(target)s” back"),
    "create:placement": _l("%(who)s set up a placement of %(cadre)s at %(unit)s"),
    "update:placement": _l("%(who)s changed a placement"),
    "create:plan": _l("%(who)s set the plan for %(year)s"),
    "update:plan": _l("%(who)s changed the plan for %(year)s"),
    "exempt": _l("%(who)s exempted %(cadre)s from the plan's minimum"),
    "unexempt": _l("%(who)s removed the exemption of %(cadre)s"),
    "closing_report_created": _l("%(who)s wrote a placement's closing report"),
    "closing_report_updated": _l("%(who)s changed a placement's closing report"),
    "hearing_opened": _l("%(who)s opened the hearing of %(unit)s for %(month)s"),
    "hearing_conclusion": _l("%(who)s wrote the hearing's conclusion for %(cadre)s"),
    "account_created": _l("%(who)s sent the monthly account for %(month)s"),
    "account_updated": _l("%(who)s changed a monthly account"),
    "direction_created": _l("%(who)s gave %(cadre)s a direction"),
    "direction_updated": _l("%(who)s changed a direction"),
    "direction_done": _l("%(who)s reported a direction done"),
    "photo_added": _l("%(who)s added a photo to %(target)s"),
    "photo_removed": _l("%(who)s removed a photo from %(target)s"),
    "visit_created": _l("%(who)s sent %(target)s"),
    "visit_updated": _l("%(who)s changed %(target)s"),
    "visit_approve": _l("%(who)s approved %(target)s"),
    "visit_return": _l("%(who)s returned %(target)s to the cadre"),
    "visit_reopen": _l("%(who)s reopened %(target)s after its approval"),
}

#: Labels of the detail keys and of the fields in ``changes``; a key not here is shown as written.
DETAIL_LABELS: dict[str, LazyString] = {
    "address": _l("IP address"), "via": _l("Through"), "purpose": _l("To confirm"),
    "second_factor": _l("Second step"), "username": _l("Username"), "role": _l("Role"),
    "name": _l("Name"), "name_vi": _l("Name"), "name_en": _l("Name in English"), "code": _l("Code"),
    "full_name": _l("Full name"), "position": _l("Position"), "locale": _l("Language"),
    "active": _l("Active"), "is_full_time": _l("Full-time"), "is_probationary": _l("Probationary"),
    "kind": _l("Kind"), "parent_id": _l("Parent unit"), "parent_code": _l("Parent unit"),
    "valid_from": _l("Valid from"), "valid_to": _l("Valid to"), "successor_code": _l("Successor"),
    "reason": _l("Reason"), "review_comment": _l("Comment"), "comment": _l("Comment"),
    "status": _l("Status"), "state": _l("State"), "unit_id": _l("Unit"), "start": _l("From"),
    "end": _l("To"), "start_date": _l("From"), "end_date": _l("To"), "held_on": _l("Held on"),
    "month": _l("Month"), "year": _l("Year"), "chair": _l("Chair"), "notice": _l("Notice"),
    "form": _l("Form"), "topics": _l("Topics"), "topic_id": _l("Topic"), "summary": _l("Summary"),
    "findings": _l("Findings and problems"), "recommendations": _l("Recommendations"),
    "participants": _l("People taking part"), "placement_tasks": _l("Placement tasks carried out"),
    "latitude": _l("Latitude"), "longitude": _l("Longitude"), "accuracy_m": _l("Accuracy (m)"),
    "text": _l("Text"), "due_date": _l("Due"), "outcome": _l("Outcome"), "before": _l("Before"),
    "after": _l("After"), "tokens": _l("Device tokens"), "tokens_revoked": _l("Device tokens revoked"),
    "remaining": _l("Recovery codes left"), "minimum_days": _l("Minimum days"),
    "fields": _l("Fields changed"), "changed": _l("Fields changed"), "size": _l("Size (bytes)"),
    "rows": _l("Rows written"), "created": _l("New"), "updated": _l("Updated"), "unchanged": _l("Unchanged"),
}
#: Ids and bookkeeping the sentence already names or nobody reads.
HIDDEN_DETAILS = frozenset({
    "token_ids", "web_session_ids", "other_web_sessions", "photo_id", "report_id", "hearing_id",
    "cadre_id", "owner_id", "units", "sources", "endpoint", "method", "path", "version", "reviewed_by_id",
    "placement_id", "search_text", "reported_late", "codes", "usernames", "directions",
})
VALUE_WORDS: dict[str, LazyString] = {
    "web": _l("the website"), "api": _l("the phone app"), "password": _l("password"),
    "session": _l("web session"), "totp": _l("authenticator code"), "recovery_code": _l("recovery code"),
    "import": _l("a file import"),
}
#: a changed text longer than this is cut (the visit page shows it whole)
LONGEST_VALUE = 160


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class Wording:
    sentence: str
    details: list[Detail]
    #: the visit the entry is about, when it exists (a refused address may name none)
    visit_id: str | None = None


@dataclass
class Names:
    """The names an audit page's sentences need, read in a few queries for the whole page."""

    users: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    topics: dict[int, str] = field(default_factory=dict)
    #: visit id (as text) → "the visit of X to Y (dates)"
    visits: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, entries: Iterable[AuditEntry]) -> Names:
        entries = list(entries)
        user_ids: set[int] = {e.actor_id for e in entries if e.actor_id is not None}
        unit_ids: set[int] = set()
        topic_ids: set[int] = set()
        visit_ids: set[str] = set()
        for entry in entries:
            details = entry.details or {}
            number = _int(entry.entity_id)
            if entry.entity_type == "user" and number is not None:
                user_ids.add(number)
            elif entry.entity_type in ("unit", "unit_letterhead") and number is not None:
                unit_ids.add(number)
            elif entry.entity_type == "topic" and number is not None:
                topic_ids.add(number)
            elif entry.entity_type == "visit":
                visit_ids.add(entry.entity_id)
            user_ids.update(i for i in (_int(details.get("cadre_id")), _int(details.get("owner_id"))) if i)
            unit_ids.update(i for i in (_int(details.get("unit_id")),) if i)
            changes = details.get("changes")
            if isinstance(changes, dict) and isinstance(changes.get("unit_id"), list):
                unit_ids.update(i for i in map(_int, changes["unit_id"]) if i)
            if isinstance(changes, dict) and isinstance(changes.get("topics"), list):
                topic_ids.update(i for pair in changes["topics"] if isinstance(pair, list)
                                 for i in map(_int, pair) if i)
        names = cls()
        if user_ids:
            names.users = dict(db.session.execute(
                select(User.id, User.full_name).where(User.id.in_(user_ids))).all())
        if unit_ids:
            names.units = dict(db.session.execute(
                select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())
        if topic_ids:
            locale = str(get_locale() or "vi")
            names.topics = {t.id: t.name(locale) for t in db.session.scalars(
                select(Topic).where(Topic.id.in_(topic_ids)))}
        if visit_ids:
            names.visits = _visit_names(visit_ids)
        return names


def _visit_names(ids: set[str]) -> dict[str, str]:
    keys = []
    for text in ids:
        try:
            keys.append(uuid.UUID(text))
        except ValueError:  # an id tried in a refused address: nothing to name
            continue
    if not keys:
        return {}
    rows = db.session.execute(
        select(Visit.id, User.full_name, Unit.name, Visit.start_date, Visit.end_date)
        .join(User, User.id == Visit.cadre_id).join(Unit, Unit.id == Visit.unit_id)
        .where(Visit.id.in_(keys))).all()
    return {str(key): visit_name(cadre, unit, start, end) for key, cadre, unit, start, end in rows}


def visit_name(cadre: str, unit: str, start: date, end: date) -> str:
    """A visit named as a person would: whose, where and when."""
    dates = format_dmy(start) if start == end else f"{format_dmy(start)}–{format_dmy(end)}"
    return _("the visit of %(cadre)s to %(unit)s (%(dates)s)", cadre=cadre, unit=unit, dates=dates)


def action_label(action: str) -> str:
    """The short name of a code; an unknown one with its underscores as spaces."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace("_", " ")


def has_sentence(action: str, entity_type: str | None = None) -> bool:
    return f"{action}:{entity_type}" in SENTENCES or action in SENTENCES


def describe(entry: AuditEntry, names: Names) -> Wording:
    """``entry`` as a sentence and its details; never fails on a code or detail it does not know."""
    details = entry.details if isinstance(entry.details, dict) else {}
    template = SENTENCES.get(f"{entry.action}:{entry.entity_type}") or SENTENCES.get(entry.action)
    values = _placeholders(entry, details, names)
    if template is None:
        sentence = _("%(who)s: “%(action)s” on %(kind)s %(id)s", who=values["who"],
                     action=action_label(entry.action), kind=entry.entity_type.replace("_", " "),
                     id=entry.entity_id)
    else:
        sentence = str(template) % values
    visit_id = entry.entity_id if entry.entity_type == "visit" and entry.entity_id in names.visits else None
    return Wording(sentence, _details(details, names), visit_id)


def _placeholders(entry: AuditEntry, details: dict[str, Any], names: Names) -> dict[str, Any]:
    number = _int(entry.entity_id)
    actor = names.users.get(entry.actor_id) if entry.actor_id is not None else None
    if actor is None and entry.actor is not None:
        actor = entry.actor.full_name
    target: str = entry.entity_id
    if entry.entity_type == "user" and number is not None:
        target = names.users.get(number, target)
    elif entry.entity_type in ("unit", "unit_letterhead") and number is not None:
        target = names.units.get(number, str(details.get("name") or target))
    elif entry.entity_type == "topic" and number is not None:
        target = names.topics.get(number, str(details.get("name_vi") or target))
    elif entry.entity_type == "visit":
        target = names.visits.get(entry.entity_id, _("a visit"))
    count: Any = details.get("tokens", entry.entity_id)
    for listed in ("units", "sources"):
        if isinstance(details.get(listed), list):
            count = len(details[listed])
    return {
        "who": actor or _("The system"), "target": target, "name": details.get("name", ""),
        "username": details.get("username", ""), "count": count, "year": details.get("year", ""),
        "month": _month(details.get("month")), "path": details.get("path", ""),
        "cadre": names.users.get(_int(details.get("cadre_id")) or 0, _("a cadre")),
        "owner": names.users.get(_int(details.get("owner_id")) or 0, _("a user")),
        "unit": names.units.get(_int(details.get("unit_id")) or 0, _("a unit")),
    }


def _details(details: dict[str, Any], names: Names) -> list[Detail]:
    shown = []
    for key, value in details.items():
        if key in HIDDEN_DETAILS or _empty(value):
            continue
        if key == "changes" and isinstance(value, dict):
            shown.extend(d for name, pair in value.items()
                         if name not in HIDDEN_DETAILS and (d := _change(name, pair, names)) is not None)
        elif key == "status" and isinstance(value, int):  # an HTTP answer, on a refusal
            shown.append(Detail(str(_l("Answer")), str(value)))
        else:
            shown.append(Detail(_label(key), _value(key, value, names)))
    return shown


def _change(name: str, pair: Any, names: Names) -> Detail | None:
    if isinstance(pair, list) and len(pair) == 2:
        if name in ("review_comment", "comment"):
            # the comment given (a return, a reopening); a cleared one (an approval) says nothing
            return Detail(_label(name), _value(name, pair[1], names)) if pair[1] else None
        old, new = pair
        if _empty(old):  # set for the first time (a new visit): the value alone
            return None if _empty(new) else Detail(_label(name), _value(name, new, names))
        return Detail(_label(name), f"{_value(name, old, names)} → {_value(name, new, names)}")
    return Detail(_label(name), _value(name, pair, names))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def _value(key: str, value: Any, names: Names) -> str:
    if _empty(value):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "unit_id" and _int(value) is not None:
        return names.units.get(_int(value) or 0, str(value))
    if key == "topics" and isinstance(value, list):
        return ", ".join(names.topics.get(_int(t) or 0, str(t)) for t in value)
    if key == "status" and isinstance(value, str):
        return status_label(value)
    if key == "form" and isinstance(value, str):
        return form_label(value)
    if key in ("fields", "changed") and isinstance(value, list):
        return ", ".join(_label(str(v)) for v in value)
    if key == "month":
        return _month(value)
    if key == "purpose" and isinstance(value, str):  # what a password was typed again for
        return str(ACTION_LABELS.get(value, value))
    if isinstance(value, str) and key in ("via", "second_factor"):
        return str(VALUE_WORDS.get(value, value))
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return format_dmy(date.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        return "; ".join(_value(key, v, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {_value(str(k), v, names)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[:LONGEST_VALUE - 1] + "…"


def _month(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), "MM/yyyy")
    except ValueError:
        return str(value or "")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
