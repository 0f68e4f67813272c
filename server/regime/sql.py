"""Day numbers and interval merging as SQL that SQLite and PostgreSQL both run.

A date becomes its *day number*: whole days since Monday 5 January 1970. Days and weeks are then
plain integers (a week's number is ``day // 7``, Monday to Sunday), so merging overlapping visits
is integer arithmetic that both databases spell the same way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.selectable import Subquery
from sqlalchemy.types import String

EPOCH = date(1970, 1, 5)  # a Monday: day numbers divide into weeks that start on Mondays
_EPOCH_JULIAN = 2440591.5  # julianday('1970-01-05') in SQLite


def day_number(day: date) -> int:
    """The Python twin of ``day_number_of`` for a known date."""
    return (day - EPOCH).days


def week_number(day: date) -> int:
    return day_number(day) // 7


def day_of(number: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + number)


class day_number_of(FunctionElement):
    """A date column's day number."""

    type = Integer()
    inherit_cache = True


@compiles(day_number_of)
def _day_number_postgresql(element: day_number_of, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"({compiler.process(column, **kw)} - DATE '{EPOCH.isoformat()}')"


@compiles(day_number_of, "sqlite")
def _day_number_sqlite(element: day_number_of, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"CAST(julianday({compiler.process(column, **kw)}) - {_EPOCH_JULIAN} AS INTEGER)"


def clipped(column: ColumnElement, low: Any = None, high: Any = None) -> ColumnElement:
    """``column`` (an integer) kept within ``low``–``high``, numbers or columns (GREATEST and LEAST
    are not SQLite's)."""
    value = column
    if low is not None:
        value = case((value < low, low), else_=value)
    if high is not None:
        value = case((value > high, high), else_=value)
    return value


def walk(intervals: Subquery, order_by: ColumnElement, name: str = "walked") -> Subquery:
    """The rows of ``intervals`` (a ``key`` and integer day numbers ``s`` ≤ ``e``) with ``prev``:
    the highest ``e`` among the key's intervals before this one, walking them by ``order_by``
    (which must sort like ``s``: the unclipped start date does, and sorts cheaper than a clipping
    expression). Null for a key's first interval. One window pass; ties may come in any order."""
    prev = func.max(intervals.c.e).over(partition_by=intervals.c.key, order_by=order_by, rows=(None, -1))
    return select(intervals, prev.label("prev")).subquery(name)


def uncovered(start: ColumnElement, end: ColumnElement,
              prev: ColumnElement) -> tuple[ColumnElement, ColumnElement]:
    """``(new_from, added)``: the part of ``start``–``end`` after ``prev``, the highest number the
    key's earlier intervals reached: its first number, and how many (0 when it lies inside).

    Every number from this start up to ``prev`` is already counted (the interval that reached
    ``prev`` started no later), so summed per key ``added`` counts the numbers covered, each once
    however many intervals cover it; the rows' ``new_from``–``end`` with ``added > 0`` are those
    numbers as disjoint ranges. For weeks, pass week numbers and ``prev // 7``: the highest week
    reached is the week of the highest day reached, so one window serves both."""
    fresh = or_(prev.is_(None), prev < start)
    new_from = case((fresh, start), else_=prev + 1)
    added = case((fresh, end - start + 1), (end > prev, end - prev), else_=0)
    return new_from, added


class unindexed(FunctionElement):
    """A column the planner should not pick an index for: ``+column`` on SQLite (its documented
    way to say so), the column itself elsewhere.

    Figures read a period through the covering report index; given ``status IN (…)`` SQLite may
    instead walk ix_visits_status, which holds most visits in scattered order.
    """

    type = String()
    inherit_cache = True


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(next(iter(element.clauses)), **kw)}"
