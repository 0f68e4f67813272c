"""Date arithmetic that SQLite and PostgreSQL spell differently, as portable SQL expressions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.selectable import Select, Subquery
from sqlalchemy.types import Boolean, Date

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


def later_of(column: ColumnElement, day: Any) -> ColumnElement:
    """The later of a date column and a date or another column (GREATEST is not SQLite's)."""
    bound = _date(day)
    return case((column < bound, bound), else_=column)


def earlier_of(column: ColumnElement, day: Any) -> ColumnElement:
    bound = _date(day)
    return case((column > bound, bound), else_=column)


def merged_days(intervals: Subquery) -> Select:
    """Days covered per ``key`` by the intervals ``(key, s, e)`` (dates, both ends included),
    a day counted once however many intervals cover it.

    Gaps and islands with window functions: an interval starts a new island when it begins after
    the latest end among the intervals before it; each island then counts ``e - s + 1`` days.
    One pass over the rows in SQL, the same on SQLite (3.25+) and PostgreSQL.
    """
    order = (intervals.c.s, intervals.c.e)
    prev_end = func.max(intervals.c.e).over(
        partition_by=intervals.c.key, order_by=order, rows=(None, -1))
    with_prev = select(intervals.c.key, intervals.c.s, intervals.c.e,
                       prev_end.label("prev_end")).subquery("with_prev")
    starts_island = case((or_(with_prev.c.prev_end.is_(None), with_prev.c.s > with_prev.c.prev_end), 1),
                         else_=0)
    island = func.sum(starts_island).over(
        partition_by=with_prev.c.key, order_by=(with_prev.c.s, with_prev.c.e), rows=(None, 0))
    numbered = select(with_prev.c.key, with_prev.c.s, with_prev.c.e,
                      island.label("island")).subquery("numbered")
    islands = (select(numbered.c.key, func.min(numbered.c.s).label("s"), func.max(numbered.c.e).label("e"))
               .group_by(numbered.c.key, numbered.c.island).subquery("islands"))
    return (select(islands.c.key, func.sum(day_diff(islands.c.s, islands.c.e) + 1).label("days"))
            .group_by(islands.c.key))
