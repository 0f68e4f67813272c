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

from server.db import Base, upsert_insert
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


def keep(changes: Sequence[tuple[Copy | None, Copy]]) -> None:
    """Bring the rows in step with changed visits, given their ``(before, after)`` copies, after
    the after copies are stored. A visit's new days are added (marked approved when it is); where a
    visit had days before (other dates, another state), those dates are rewritten from the visits
    stored now, since another visit may still cover them. A new submitted visit, what a push
    mostly brings, costs one INSERT of its days that leaves days already kept as they are."""
    rewrite: list[tuple[int, date, date]] = []
    added: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for before, after in changes:
        if before is not None and all(before[name] == after[name] for name in SHAPE):
            continue
        if before is not None and before["status"] in KEPT:
            rewrite.append((before["cadre_id"], before["start_date"], before["end_date"]))
        new_days = covered_days([(after["start_date"], after["end_date"], after["status"])])
        for day, approved in new_days.items():
            added[approved].append({"cadre_id": after["cadre_id"], "day": day, "approved": approved})
    upsert = upsert_insert(CadreDay)
    if added[False]:  # a submitted visit leaves a day it shares as it is, approved or not
        db.session.execute(upsert.on_conflict_do_nothing(index_elements=["cadre_id", "day"]), added[False])
    if added[True]:
        db.session.execute(upsert.on_conflict_do_update(index_elements=["cadre_id", "day"],
                                                        set_={"approved": True}), added[True])
    # after the additions: a batch may change one visit twice, and its first new dates are then
    # the second change's old ones, which no stored visit may cover any more
    for cadre_id, first, last in rewrite:
        _rewrite(cadre_id, first, last)


def _rewrite(cadre_id: int, first: date, last: date) -> None:
    """Rewrite the cadre's rows from ``first`` to ``last`` from the visits stored now."""
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
