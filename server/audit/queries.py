"""Reading the audit log: newest first, filtered by actor, action and date, keyset-paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.audit.models import AuditEntry
from server.extensions import db
from server.time import LOCAL_ZONE

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_before: int | None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_ZONE)


def audit_page(wanted: AuditFilter, before: int | None = None, size: int = PAGE_SIZE) -> AuditPage:
    """Entries older than id ``before`` (ids grow with time), newest first; days in Vietnam time."""
    query = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if wanted.actor_id is not None:
        query = query.where(AuditEntry.actor_id == wanted.actor_id)
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.date_from is not None:
        query = query.where(AuditEntry.at >= _local_midnight(wanted.date_from))
    if wanted.date_to is not None:
        query = query.where(AuditEntry.at < _local_midnight(wanted.date_to + timedelta(days=1)))
    if before is not None:
        query = query.where(AuditEntry.id < before)
    rows = list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return AuditPage(rows, rows[-1].id if more else None)


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
