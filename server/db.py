"""Declarative base, naming convention, shared column types and SQLite connection rules."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def upsert_insert(table: Any) -> Any:
    """An INSERT of ``table`` that can say ``ON CONFLICT`` on the session's database (the SQL is the
    same on both; SQLAlchemy spells its construct per dialect)."""
    from server.extensions import db  # here: server.extensions imports this module's Base

    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware values only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Run SQLite in WAL with a busy timeout and foreign keys; let SQLAlchemy emit BEGIN itself."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling would issue a deferred BEGIN; we take that over below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _never_prepare_postgresql(dbapi_connection, connection_record) -> None:
    """No server-side prepared statements on PostgreSQL.

    psycopg prepares a statement once it has run five times on a connection; PostgreSQL may then
    switch to a generic plan that ignores the unit and dates asked for. bench/regime.py measured
    the province's year report going from 0.6 s to 51-89 s that way from its 8th run in a worker.
    Planning each query with its own values costs a few milliseconds.
    """
    if getattr(dbapi_connection, "prepare_threshold", False) is not False:
        dbapi_connection.prepare_threshold = None


#: the execution option of a connection that only reads (see ``_begin_immediate``), given as
#: ``session.connection(execution_options={READ_ONLY: True})`` before the session's first query
READ_ONLY = "dicoso_read_only"


@event.listens_for(Engine, "begin")
def _begin_immediate(conn) -> None:
    """Start SQLite transactions with the write lock taken.

    A deferred transaction that reads and then writes must upgrade its lock; two of them doing so
    at once deadlock and one fails at once with "database is locked", ignoring busy_timeout.
    Taking the lock up front makes writers queue behind busy_timeout instead.
    """
    if conn.dialect.name != "sqlite":
        return
    # a long read that writes nothing (an export job's, server/exports/jobs.py) asks for a deferred
    # transaction: in WAL mode it reads its snapshot while writers, its own progress included, go on
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


#: schema objects that exist on one database only (migration 8e3a5f9b1c64: PostgreSQL's trigram
#: index, SQLite's FTS5 search table and its shadow tables), declared on no model
DIALECT_ONLY = ("ix_visits_search_trgm", "visits_fts")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: the schema comparison leaves ``DIALECT_ONLY`` objects alone."""
    return not (name or "").startswith(DIALECT_ONLY)
