"""Date choices as portable SQL: the later or the earlier of two dates (GREATEST and LEAST are not
SQLite's). Day counting lives in ``server.regime``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, literal
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import Date


def _date(value: Any) -> ColumnElement:
    return literal(value, Date()) if isinstance(value, date) else value


def later_of(column: ColumnElement, day: Any) -> ColumnElement:
    """The later of a date column and a date or another column."""
    bound = _date(day)
    return case((column < bound, bound), else_=column)


def earlier_of(column: ColumnElement, day: Any) -> ColumnElement:
    bound = _date(day)
    return case((column > bound, bound), else_=column)
