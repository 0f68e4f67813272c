"""The days each cadre's visits cover, kept with every change of a visit, like an index.

One row per cadre and day that a submitted or approved visit covers, marked ``approved`` when an
approved one does. ``store.write_visits`` rewrites the rows of the cadres and dates a change
touches, in the same transaction, so the table always says what the visits say. The regime's days
and weeks (server/regime/days.py) count these rows: a day is one row however many visits cover it,
so a province's year needs no walk over its 137,000 visits (docs/regime.md, docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.extensions import db
from server.visits.models import Visit, VisitStatus

#: the review states whose days are kept: those some figure counts (returned visits never do)
KEPT = (VisitStatus.SUBMITTED, VisitStatus.APPROVED)
#: what decides a visit's rows: a change of anything else leaves them as they are
SHAPE = ("cadre_id", "start_date", "end_date", "status")
ONE_DAY = timedelta(days=1)
#: cadres rebuilt per statement by ``rebuild``
REBUILD_CHUNK = 500


class CadreDay(Base):
    """A day at least one of the cadre's submitted or approved visits covers."""

    __tablename__ = "cadre_days"
    __table_args__ = (
        # a period's days of every cadre (PostgreSQL reads a province's year from it alone)
        Index("ix_cadre_days_day", "day", "cadre_id", "approved"),
        # on SQLite the rows are stored in key order (cadre, day): a cadre's days are one read
        {"sqlite_with_rowid": False},
    )

    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: an approved visit covers it (else only submitted ones do)
    approved: Mapped[bool] = mapped_column(Boolean)


def covered_days(visits: Iterable[tuple[date, date, str]], first: date | None = None,
                 last: date | None = None) -> dict[date, bool]:
    """``{day: approved}`` for the days the kept visits among ``(start, end, status)`` cover,
    within ``first``–``last`` when given."""
    days: dict[date, bool] = {}
    for start, end, status in visits:
        if status not in KEPT:
            continue
        day, stop = max(start, first or start), min(end, last or end)
        while day <= stop:
            days[day] = days.get(day, False) or status == VisitStatus.APPROVED
            day += ONE_DAY
    return days


Copy = Mapping[str, Any]


def spans_of(changes: Sequence[tuple[Copy | None, Copy]]) -> dict[int, tuple[date, date]]:
    """For ``(before, after)`` copies of changed visits: the dates whose rows may change, by cadre
    (both copies' dates: a visit moved from March to May changes both months)."""
    spans: dict[int, tuple[date, date]] = {}
    for before, after in changes:
        if before is not None and all(before[name] == after[name] for name in SHAPE):
            continue
        for copy in (before, after):
            if copy is None:
                continue
            cadre, start, end = copy["cadre_id"], copy["start_date"], copy["end_date"]
            first, last = spans.get(cadre, (start, end))
            spans[cadre] = (min(first, start), max(last, end))
    return spans


def refresh(spans: Mapping[int, tuple[date, date]]) -> None:
    """Rewrite each cadre's rows within its span from the visits stored now (after the write)."""
    for cadre_id, (first, last) in spans.items():
        db.session.execute(delete(CadreDay).where(CadreDay.cadre_id == cadre_id,
                                                  CadreDay.day >= first, CadreDay.day <= last))
        visits = db.session.execute(
            select(Visit.start_date, Visit.end_date, Visit.status)
            .where(Visit.cadre_id == cadre_id, Visit.start_date <= last, Visit.end_date >= first,
                   Visit.status.in_(KEPT)))
        _insert(cadre_id, covered_days(visits, first, last))


def rebuild() -> int:
    """Rewrite the whole table from the visits (after a bulk load that bypassed ``store``);
    returns the rows written."""
    db.session.execute(delete(CadreDay))
    cadres = list(db.session.scalars(select(Visit.cadre_id).distinct().order_by(Visit.cadre_id)))
    written = 0
    for at in range(0, len(cadres), REBUILD_CHUNK):
        chunk = cadres[at:at + REBUILD_CHUNK]
        by_cadre: dict[int, list[tuple[date, date, str]]] = {}
        for cadre, start, end, status in db.session.execute(
                select(Visit.cadre_id, Visit.start_date, Visit.end_date, Visit.status)
                .where(Visit.cadre_id.in_(chunk), Visit.status.in_(KEPT))):
            by_cadre.setdefault(cadre, []).append((start, end, status))
        for cadre, visits in by_cadre.items():
            written += _insert(cadre, covered_days(visits))
    return written


def _insert(cadre_id: int, days: Mapping[date, bool]) -> int:
    if days:
        db.session.execute(insert(CadreDay), [{"cadre_id": cadre_id, "day": day, "approved": approved}
                                              for day, approved in sorted(days.items())])
    return len(days)
