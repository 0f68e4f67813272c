"""Date arithmetic that SQLite and PostgreSQL spell differently, as portable SQL expressions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.selectable import Select, Subquery
from sqlalchemy.types import Boolean, Date, String

#: days after a visit's end date within which its report is on time
LATE_AFTER_DAYS = 10


class day_diff(FunctionElement):
    """``b - a`` in whole days, for two dates."""

    type = Integer()
    inherit_cache = True


@compiles(day_diff)
def _day_diff_default(element: day_diff, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"({compiler.process(b, **kw)} - {compiler.process(a, **kw)})"


@compiles(day_diff, "sqlite")
def _day_diff_sqlite(element: day_diff, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"CAST(julianday({compiler.process(b, **kw)}) - julianday({compiler.process(a, **kw)}) AS INTEGER)"


class reported_late(FunctionElement):
    """True when a visit was first received more than LATE_AFTER_DAYS after it ended, counting
    the day it arrived in Asia/Ho_Chi_Minh (a push at 23:30 UTC is already the next day there)."""

    type = Boolean()
    inherit_cache = True


@compiles(reported_late)
def _late_postgresql(element: reported_late, compiler: Any, **kw: Any) -> str:
    received, end = (compiler.process(c, **kw) for c in element.clauses)
    return (f"(CAST(({received} AT TIME ZONE 'Asia/Ho_Chi_Minh') AS DATE) > "
            f"{end} + {LATE_AFTER_DAYS})")


@compiles(reported_late, "sqlite")
def _late_sqlite(element: reported_late, compiler: Any, **kw: Any) -> str:
    # Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact.
    received, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(date({received}, '+7 hours') > date({end}, '+{LATE_AFTER_DAYS} days'))"


def _date(value: Any) -> ColumnElement:
    return literal(value, Date()) if isinstance(value, date) else value


class unindexed(FunctionElement):
    """A column the planner should not pick an index for: ``+column`` on SQLite (its documented
    way to say so), the column itself elsewhere.

    Reports read a period through the covering report index; given ``status = 'approved'`` SQLite
    may instead walk ix_visits_status, which holds 70 % of all visits in scattered order.
    """

    type = String()
    inherit_cache = True


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(next(iter(element.clauses)), **kw)}"


def later_of(column: ColumnElement, day: Any) -> ColumnElement:
    """The later of a date column and a date or another column (GREATEST is not SQLite's)."""
    bound = _date(day)
    return case((column < bound, bound), else_=column)


def earlier_of(column: ColumnElement, day: Any) -> ColumnElement:
    bound = _date(day)
    return case((column > bound, bound), else_=column)


def overlapping(first: date, last: date) -> tuple[ColumnElement, ...]:
    """Visits that share at least one day with ``first``–``last``.

    The lower bound on the start date is implied by the others (no visit lasts more than
    MAX_TRIP_DAYS, a rule of the one write path) but lets an index on ``start_date`` read only
    the period instead of everything before it.
    """
    from server.visits.models import Visit
    from server.visits.rules import MAX_TRIP_DAYS

    return (Visit.start_date <= last, Visit.end_date >= first,
            Visit.start_date >= first - timedelta(days=MAX_TRIP_DAYS - 1))


def walk_intervals(intervals: Subquery,
                   order_by: ColumnElement | None = None) -> tuple[Subquery, ColumnElement]:
    """The rows of ``intervals`` (columns ``key``, ``s``, ``e`` and any others) with, for each, the
    number of its days not already covered by an earlier interval of the same key: summed per
    key, the days covered, each day once however many intervals cover it.

    One window pass: walking each key's intervals by start date, ``prev`` is the latest end among
    the intervals before. Every day from this interval's start up to ``prev`` is already counted
    (the interval that ends at ``prev`` started no later than this one), so this interval adds the
    days after ``prev`` only: all of them when it starts after ``prev``, ``e - prev`` when it
    reaches beyond it, none when it lies inside. Ties in start date may come in any order. The
    same SQL on SQLite (3.25+) and PostgreSQL.

    ``order_by`` may name a plain column that sorts like ``s`` (the unclipped start date: clipping
    to a period keeps the order), which sorts cheaper than the clipping expression.
    """
    prev = func.max(intervals.c.e).over(partition_by=intervals.c.key,
                                        order_by=intervals.c.s if order_by is None else order_by,
                                        rows=(None, -1))
    walked = select(intervals, prev.label("prev")).subquery("walked")
    added = case(
        (or_(walked.c.prev.is_(None), walked.c.prev < walked.c.s), day_diff(walked.c.s, walked.c.e) + 1),
        (walked.c.e > walked.c.prev, day_diff(walked.c.prev, walked.c.e)),
        else_=0)
    return walked, added


def merged_days(intervals: Subquery) -> Select:
    """``(key, days)``: the days each key's intervals cover, each day once (see walk_intervals)."""
    walked, added = walk_intervals(intervals)
    return select(walked.c.key, func.sum(added).label("days")).group_by(walked.c.key)
