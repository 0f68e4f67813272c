"""Date arithmetic that SQLite and PostgreSQL spell differently, behind one set of functions.

SQLite keeps dates as ISO strings (compared as text, subtracted through ``julianday``) and
timestamps as UTC text; PostgreSQL has real date and timestamptz types.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, cast, func, literal_column

from server.extensions import db


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def later(a, b) -> ColumnElement:
    """The later of two dates."""
    return func.greatest(a, b) if _postgres() else func.max(a, b)


def earlier(a, b) -> ColumnElement:
    """The earlier of two dates."""
    return func.least(a, b) if _postgres() else func.min(a, b)


def days_between(first, last) -> ColumnElement:
    """``last - first`` in whole days."""
    if _postgres():
        return cast(last - first, Integer)
    return cast(func.julianday(last) - func.julianday(first), Integer)


def received_after_local_day(received_at, day, days: int) -> ColumnElement:
    """True when a UTC timestamp falls after the Vietnam-time day ``day + days``.

    The day ends at 24:00 Vietnam time (UTC+7, no daylight saving), i.e. at 17:00 UTC.
    """
    if _postgres():
        deadline = func.timezone("UTC", day + literal_column(f"interval '{int(days)} days 17 hours'"))
        return received_at >= deadline
    return func.julianday(received_at) >= func.julianday(day) + days + 17 / 24
