"""A visit's history as people read it: each version with what changed, each review with who,
when and the comment. Read from the audit log, where the visit store writes every change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.audit.wording import action_label
from server.auth.models import User
from server.extensions import db
from server.i18n import format_dmy
from server.units.models import Unit
from server.visits.labels import form_label, status_label
from server.visits.models import Topic

FIELD_LABELS = {
    "unit_id": _l("Unit visited"), "start_date": _l("From"), "end_date": _l("To"),
    "form": _l("Form of the visit"), "topics": _l("Topics"), "summary": _l("What was done"),
    "findings": _l("Findings and problems"), "recommendations": _l("Recommendations"),
    "participants": _l("People taking part"), "placement_id": _l("Placement"),
    "placement_tasks": _l("Placement tasks carried out"),
    "latitude": _l("Latitude"), "longitude": _l("Longitude"), "accuracy_m": _l("Accuracy (m)"),
    "status": _l("Status"), "review_comment": _l("Supervisor's comment"),
    "reviewed_by_id": _l("Reviewed by"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: User | None
    action: str
    version: int
    changes: list[FieldChange]
    #: the supervisor's comment, for a return; the reason, for a reopening
    comment: str | None


def visit_history(visit_id: uuid.UUID) -> list[HistoryEntry]:
    """Oldest first."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "visit", AuditEntry.entity_id == str(visit_id))
        .order_by(AuditEntry.id)).all()
    raw = [(e, e.details.get("changes", {})) for e in entries]
    names = _Names.load(raw)
    actors = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in entries} - {None})))}
    history = []
    for entry, changes in raw:
        shown = [FieldChange(str(FIELD_LABELS.get(name, name)), names.show(name, old), names.show(name, new))
                 for name, (old, new) in changes.items() if name in FIELD_LABELS]
        if entry.action == "visit_created":
            shown = []  # the first version is the visit as shown above the history
        comment = changes.get("review_comment", [None, None])[1] \
            if entry.action in ("visit_return", "visit_reopen") else None
        # each code's name comes from the audit log's wording, as on the audit page
        history.append(HistoryEntry(entry.at, actors.get(entry.actor_id), action_label(entry.action),
                                    entry.details.get("version", 0), shown, comment))
    return history


@dataclass
class _Names:
    units: dict[int, str]
    topics: dict[int, str]
    people: dict[int, str]

    @classmethod
    def load(cls, raw: list[tuple[AuditEntry, dict[str, Any]]]) -> _Names:
        def ids(name: str) -> set[int]:
            found: set[int] = set()
            for _entry, changes in raw:
                for value in changes.get(name, []):
                    found.update(value if isinstance(value, list) else [value] if value else [])
            return found

        locale = str(get_locale() or "vi")
        units = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids("unit_id")))).all())
        topics = {t.id: t.name(locale) for t in db.session.scalars(
            select(Topic).where(Topic.id.in_(ids("topics"))))}
        people = dict(db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(ids("reviewed_by_id")))).all())
        return cls(units, topics, people)

    def show(self, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if name == "unit_id":
            return self.units.get(value, str(value))
        if name == "topics":
            return ", ".join(self.topics.get(t, str(t)) for t in value)
        if name == "reviewed_by_id":
            return self.people.get(value, str(value))
        if name == "form":
            return form_label(value)
        if name == "status":
            return status_label(value)
        if name in ("start_date", "end_date"):
            return format_dmy(date.fromisoformat(value))
        if isinstance(value, list):  # placement tasks
            return "; ".join(map(str, value))
        return str(value)
