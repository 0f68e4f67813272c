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
from server.db import include_object
from server.extensions import db
from tests.conftest import ON_POSTGRES


def _drift(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": include_object})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app):
    assert _drift(app) == []


def test_migrations_go_down_and_up_again(app):
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
        upgrade()
    assert _drift(app) == []


FIRST_REVISION = "af0171158b6e"


def test_migrations_keep_the_data_of_a_database_in_use(app):
    """Upgrading a database that holds units, people and visits keeps them all (on SQLite a batch
    migration rebuilds tables that visits point to: that must neither fail nor lose a row)."""
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
        upgrade(revision=FIRST_REVISION)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, path, kind, name) VALUES (1, '/1/', 'province', 'T')"))
            conn.execute(text(
                "INSERT INTO users (id, username, full_name, password_hash, role, is_full_time, "
                "is_probationary, unit_id, locale, active, created_at) VALUES "
                "(1, 'u', 'U', 'x', 'cadre', true, false, 1, 'vi', true, '2025-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO visits (id, cadre_id, unit_id, start_date, end_date, form, summary, findings, "
                "recommendations, participants, status, version, received_at, updated_at, change_seq) "
                "VALUES ('00000000000040008000000000000001', 1, 1, '2025-03-01', '2025-03-02', 'survey', "
                "'Kiểm tra', '', '', 3, 'submitted', 1, '2025-03-20 00:00:00', '2025-03-20 00:00:00', 1)"))
        db.engine.dispose()
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
            visit = conn.execute(text("SELECT cadre_id, search_text, reported_late FROM visits")).one()
            assert tuple(visit) == (1, "kiem tra  ", True)
            if conn.dialect.name == "sqlite":  # foreign keys are on again for the app
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
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


@pytest.mark.postgres
def test_requests_after_the_database_dropped_the_pooled_connections_succeed(app, client, database_url):
    """A PostgreSQL restart ends every connection the app's pool holds: the next request must get
    a live one, not a 500 (the pool tests a connection before handing it out)."""
    bad_token = {"Authorization": "Bearer not-a-token"}  # looked up in the database: 401
    assert client.get("/api/v1/bootstrap", headers=bad_token).status_code == 401
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    admin.dispose()
    assert ended >= 1  # the app's pooled connection
    assert client.get("/api/v1/bootstrap", headers=bad_token).status_code == 401


@pytest.mark.postgres
def test_postgresql_never_switches_to_generic_prepared_plans(app):
    """psycopg would prepare a statement after five runs, and PostgreSQL could then plan the year
    report for any unit and dates (51-89 s instead of 0.6 s at a million visits)."""
    with app.app_context():
        from server.extensions import db

        connection = db.session.connection().connection.dbapi_connection
        assert connection.prepare_threshold is None
