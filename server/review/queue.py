"""The review queue: the visits of the cadres a supervisor reviews, filtered, newest first.

Pages are keyset-paginated on (received_at, id), so a deep page costs what the first one does;
every filter maps to an indexed column (see the indexes on ``Visit``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask import g
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.permissions import reviewable_cadre_ids
from server.extensions import db
from server.review.search import text_search
from server.units.models import Unit
from server.visits.models import OF_A_PLACEMENT, REPORTED_LATE, Visit, VisitStatus
from server.visits.rules import MAX_TRIP_DAYS

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    """What the supervisor asked to see; every part is optional (status defaults to submitted)."""

    status: str | None = VisitStatus.SUBMITTED.value
    unit_id: int | None = None
    cadre_id: int | None = None
    form: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    placement_only: bool = False
    late_only: bool = False
    text: str = ""

    def without_status(self) -> QueueFilter:
        return replace(self, status=None)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the visit received at ``received_at`` with ``id``."""

    received_at: datetime
    id: uuid.UUID

    def __str__(self) -> str:
        return f"{self.received_at.isoformat()}_{self.id}"

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        try:
            at, _sep, key = raw.rpartition("_")
            return cls(datetime.fromisoformat(at), uuid.UUID(key))
        except ValueError:
            return None


@dataclass(frozen=True)
class QueuePage:
    visits: list[Visit]
    next_cursor: Cursor | None


#: a reviewer of more cadres than this reads the queue in received order and skips others' visits;
#: one of fewer reads each cadre's visits from the (cadre, received) index
WIDE_SCOPE = 20


def _cadre_column(reviewer: User) -> ColumnElement:
    """``visits.cadre_id``, or for a wide scope an expression no index matches (``cadre_id + 0``),
    so that the planner walks the received-order index instead of every cadre's entries and then
    sorting them (3.9 s instead of milliseconds for a province-wide page on SQLite)."""
    wide = g.get("review_scope_wide", {})
    if reviewer.id not in wide:
        count = db.session.scalar(select(func.count()).select_from(
            reviewable_cadre_ids(reviewer).limit(WIDE_SCOPE + 1).subquery()))
        wide[reviewer.id] = count > WIDE_SCOPE
        g.review_scope_wide = wide
    return Visit.cadre_id + 0 if wide[reviewer.id] else Visit.cadre_id


def _filtered(reviewer: User, wanted: QueueFilter, columns: Any = Visit, ordered: bool = True) -> Select:
    """The visits the filter asks for; ``ordered``: read newest received first (a page), else in
    any order (a count), where the (status, cadre) indexes serve better than the received order."""
    search = text_search(wanted.text)
    cadre = _cadre_column(reviewer) if ordered else Visit.cadre_id
    if search.drives:
        cadre = Visit.cadre_id + 0  # read the few matching visits first, not each cadre's entries
    query = select(columns).where(cadre.in_(reviewable_cadre_ids(reviewer)), *search.conditions)
    if wanted.status:
        # With a period, the period's index is the narrow one: keep the planner off the status
        # index (an expression no index matches), which SQLite would otherwise walk whole.
        # So too when a search's few matches are the place to start (server/review/search.py), or
        # a rare filter's partial index in the queue's order (late, placement: server/visits/models.py);
        # its counts read its (status, cadre) partial index.
        narrower = (wanted.date_from or wanted.date_to or search.drives
                    or (ordered and (wanted.placement_only or wanted.late_only)))
        status = func.lower(Visit.status) if narrower else Visit.status
        query = query.where(status == wanted.status)
    if wanted.unit_id is not None:
        root = db.session.get(Unit, wanted.unit_id)
        path = root.path if root is not None else "-"
        query = query.where(Visit.unit_id.in_(
            select(Unit.id).where(Unit.path.startswith(path, autoescape=True))))
    if wanted.cadre_id is not None:
        query = query.where(Visit.cadre_id == wanted.cadre_id)
    if wanted.form:
        query = query.where(Visit.form == wanted.form)
    if wanted.date_from is not None:
        # the second bound follows from the first (no trip is longer) and lets an index on the
        # start date read only the period
        query = query.where(Visit.end_date >= wanted.date_from, Visit.start_date >= wanted.date_from
                            - timedelta(days=MAX_TRIP_DAYS - 1))
    if wanted.date_to is not None:
        query = query.where(Visit.start_date <= wanted.date_to)
    if wanted.placement_only:
        query = query.where(OF_A_PLACEMENT)
    if wanted.late_only:
        query = query.where(REPORTED_LATE)
    return query


def queue_page(reviewer: User, wanted: QueueFilter, after: Cursor | None = None,
               size: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue, newest received first."""
    query = _filtered(reviewer, wanted).options(selectinload(Visit.unit), selectinload(Visit.cadre))
    if after is not None:
        query = query.where(or_(Visit.received_at < after.received_at,
                                and_(Visit.received_at == after.received_at, Visit.id < after.id)))
    rows = list(db.session.scalars(
        query.order_by(Visit.received_at.desc(), Visit.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return QueuePage(rows, Cursor(rows[-1].received_at, rows[-1].id) if more else None)


#: counts stop here ("1000+"): counting a province's million approved visits would cost seconds
COUNT_CAP = 1000


def status_counts(reviewer: User, wanted: QueueFilter) -> dict[str, int]:
    """How many visits match the filter in each status (the status filter itself aside), up to
    ``COUNT_CAP + 1``: each count reads at most that many index entries."""
    counts = {}
    for status in VisitStatus:
        capped = _filtered(reviewer, replace(wanted, status=status.value), columns=Visit.id, ordered=False) \
            .limit(COUNT_CAP + 1).subquery()
        counts[status.value] = db.session.scalar(select(func.count()).select_from(capped)) or 0
    return counts
