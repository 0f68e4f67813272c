"""Users from a CSV file: each row new, changed or unchanged against the database, then written with
one flush for all.

Update rules (docs/admin.md): a user is found by username. A column missing from the file, or an
empty cell of ``language`` or ``position``, leaves that field as it is; ``full_time`` and
``probationary`` read an empty cell as "no", as they always have (``x``/empty). An update never
touches the password (nor two-factor sign-in, nor whether the account is active): only a new user
gets a temporary password. An admin cannot change their own role here, as on the user form.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from server.admin.csv_columns import ROLE_ALIASES, parse_flag, plain
from server.admin.csv_import import CHANGED, NEW, Change, Preview, RowResult, import_summary
from server.admin.forms import USERNAME_PATTERN, role_choices
from server.audit.services import record
from server.auth.models import User
from server.auth.services import create_users_with_temporary_passwords, update_users
from server.extensions import db
from server.units.models import Unit

#: file column -> User attribute, in the order the dry run names a row's changes
ATTRIBUTES = {"full_name": "full_name", "role": "role", "unit_code": "unit_id", "full_time": "is_full_time",
              "probationary": "is_probationary", "language": "locale", "position": "position"}
DEFAULTS = {"full_time": True, "probationary": False, "language": "vi", "position": None}


def _labels() -> dict[str, dict[str, str]]:
    """The fields', the roles' and yes/no's names, as the dry run shows a change (translated once
    a file: gettext costs about 0.1 ms a call)."""
    return {"fields": {"full_name": _("full name"), "role": _("role"), "unit_code": _("unit"),
                       "full_time": _("full-time"), "probationary": _("probationary"),
                       "language": _("language"), "position": _("position")},
            "roles": {code: str(label) for code, label in role_choices()},
            "flags": {True: _("yes"), False: _("no")}}


def _parse(line: int, r: dict[str, str], units: dict[str, int], seen: set[str]) -> RowResult:
    username = r.get("username", "").lower()
    result = RowResult(line, username, r.get("full_name", ""))
    problems, values = result.reasons, result.values
    if not username:
        problems.append(_("the username is missing"))
    elif len(username) > 80 or not re.match(USERNAME_PATTERN, username):
        problems.append(_("the username “%(name)s” may only have lower-case letters, digits, dots, "
                          "dashes and underscores", name=username))
    elif username in seen:
        problems.append(_("the username %(name)s appears twice in the file", name=username))
    seen.add(username)
    values["full_name"] = result.label
    if not result.label:
        problems.append(_("the full name is missing"))
    elif len(result.label) > 200:
        problems.append(_("the full name is longer than 200 characters"))
    values["role"] = ROLE_ALIASES.get(_plain_words(r.get("role", "")))
    if values["role"] is None:
        problems.append(_("unknown role “%(role)s” (cadre, supervisor, admin)", role=r.get("role", "")))
    values["unit_code"] = r.get("unit_code", "")
    if values["unit_code"] not in units:
        problems.append(_("no unit has the code “%(code)s”", code=values["unit_code"]))
    for column in ("full_time", "probationary"):
        if column in r:
            try:
                values[column] = parse_flag(r[column])
            except ValueError:
                problems.append(_("%(column)s must be yes or no, not “%(value)s”", column=column,
                                  value=r[column]))
    if r.get("language"):
        values["language"] = r["language"].lower()
        if values["language"] not in ("vi", "en"):
            problems.append(_("the language must be vi or en, not “%(value)s”", value=values["language"]))
    if r.get("position"):
        values["position"] = r["position"]
        if len(r["position"]) > 200:
            problems.append(_("the position is longer than 200 characters"))
    return result


def _plain_words(text: str) -> str:
    return " ".join(plain(text).split())


def check_users(rows: list[tuple[int, dict[str, str]]], preview: Preview, actor: User) -> None:
    """Fill ``preview`` with each row's outcome: two queries (the users and units named), no more."""
    names = {r.get("username", "").lower() for _line, r in rows}
    existing = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}
    unit_codes = {r.get("unit_code", "") for _line, r in rows}
    units = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(unit_codes))).all())
    codes = {unit_id: code for code, unit_id in units.items()}
    codes |= dict(db.session.execute(select(Unit.id, Unit.code).where(
        Unit.id.in_({u.unit_id for u in existing.values()} - codes.keys()))).all())
    seen: set[str] = set()
    labels = _labels()
    for line, r in rows:
        result = _parse(line, r, units, seen)
        preview.results.append(result)
        user = existing.get(result.key)
        if user is None:
            continue
        result.existing_id = user.id
        if user.id == actor.id and result.values["role"] not in (None, user.role):
            result.reasons.append(_("you cannot change your own role"))
        if not result.reasons:
            result.changes = _changes(user, result.values, units, codes, labels)


def _changes(user: User, values: dict[str, Any], units: dict[str, int], codes: dict[int, str | None],
             labels: dict[str, dict]) -> list[Change]:
    roles, flags = labels["roles"], labels["flags"]
    changes = []
    for column, attribute in ATTRIBUTES.items():
        if column not in values:
            continue
        old, new = getattr(user, attribute), values[column]
        if column == "unit_code":
            old, new = user.unit_id, units[new]
        if old == new:
            continue
        shown = {"role": roles.get, "unit_code": codes.get, "full_time": flags.get,
                 "probationary": flags.get}.get(column, lambda v: v)
        changes.append(Change(column, labels["fields"][column], shown(old) or "—", shown(new) or "—"))
    return changes


def apply_users(preview: Preview, actor: User) -> list[tuple[str, str, str]]:
    """Create the new users (each with a temporary password) and update the changed ones, whose
    passwords stay; ``(username, full name, temporary password)`` of each new user."""
    rows = preview.to_write
    units = dict(db.session.execute(select(Unit.code, Unit.id).where(
        Unit.code.in_({r.values["unit_code"] for r in rows}))).all())
    new = [r for r in rows if r.status == NEW]
    passwords = create_users_with_temporary_passwords(actor, [
        {"username": r.key, "full_name": r.values["full_name"], "role": r.values["role"],
         "unit_id": units[r.values["unit_code"]],
         **{ATTRIBUTES[c]: r.values.get(c, default) for c, default in DEFAULTS.items()}} for r in new])
    changed = [r for r in rows if r.status == CHANGED]
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([r.existing_id for r in changed])))}
    update_users([(users[r.existing_id], {
        ATTRIBUTES[c.field]: units[r.values["unit_code"]] if c.field == "unit_code" else r.values[c.field]
        for c in r.changes}) for r in changed], actor, via="import")
    record("import", "users", len(rows), actor_id=actor.id, **import_summary(preview))
    return [(r.key, r.values["full_name"], passwords[r.key]) for r in new]
