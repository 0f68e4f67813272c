"""The schema comes from migrations that match the models; SQLite runs safely under concurrency."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from server.audit.services import record
from server.extensions import db
from tests.conftest import ON_POSTGRES


def _drift(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app):
    assert _drift(app) == []


def test_migrations_go_down_and_up_again(app):
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
        upgrade()
    assert _drift(app) == []


def test_audit_log_is_append_only(app):
    with app.app_context():
        entry = record("test", "thing", 1, note="kept")
        db.session.commit()
        for statement in ("UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.get(type(entry), entry.id).action == "test"


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite connection settings")
def test_sqlite_runs_wal_with_foreign_keys_and_busy_timeout(app):
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite lock upgrades")
def test_sqlite_read_then_write_transactions_do_not_deadlock(database_url):
    """Two transactions that read, wait, then write: with deferred BEGIN one fails at once with
    "database is locked" (its lock upgrade cannot wait); with BEGIN IMMEDIATE both succeed."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors: list[Exception] = []
    both_started = threading.Barrier(2, timeout=5)

    def bump() -> None:
        try:
            with engine.begin() as conn:
                # with IMMEDIATE the second thread waits for the lock and never meets the first here
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_started.wait(timeout=0.5)
                n = conn.exec_driver_sql("SELECT n FROM counter").scalar()
                time.sleep(0.1)
                conn.exec_driver_sql("UPDATE counter SET n = ?", (n + 1,))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        final = conn.exec_driver_sql("SELECT n FROM counter").scalar()
    engine.dispose()
    assert errors == []
    assert final == 2
