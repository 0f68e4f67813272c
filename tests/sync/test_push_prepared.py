"""On PostgreSQL the store's bulk statements (a batch's INSERTs and UPDATE) run prepared, and only
they: the connection is back to no server-side preparing (server/db.py) as soon as each has run,
also when one fails, so no report ever gets a generic plan."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text

from server.extensions import db
from server.visits import store
from tests.api.support import wire_visit
from tests.sync.test_push import results


def _prepared() -> list[str]:
    return list(db.session.scalars(text("SELECT statement FROM pg_prepared_statements")))


@pytest.mark.postgres
def test_a_pushed_batch_is_written_with_prepared_statements_and_preparing_is_off_again(
        app, client, world, token):
    visits = [wire_visit(world.commune_a2) for _ in range(3)]
    response = client.post("/api/v1/sync/push", json={"device_id": "d", "visits": visits},
                           headers={"Authorization": f"Bearer {token}"})
    assert [r["status"] for r in results(response)] == ["created"] * 3
    edits = [{**v, "base_version": 1, "summary": "Đã sửa"} for v in visits]
    response = client.post("/api/v1/sync/push", json={"device_id": "d", "visits": edits},
                           headers={"Authorization": f"Bearer {token}"})
    assert [r["status"] for r in results(response)] == ["updated"] * 3
    with app.app_context():
        connection = db.session.connection().connection.driver_connection
        assert connection.prepare_threshold is None
        for _ in range(6):  # more runs than psycopg's usual threshold (5): still never prepared
            db.session.execute(text("SELECT count(*) FROM visits WHERE cadre_id = :c"), {"c": world.cadre})
        statements = _prepared()
        # the pool may hand this context another connection than the push's: then none is there
        assert not [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


@pytest.mark.postgres
def test_the_store_prepares_its_bulk_statements_on_the_connection_it_writes_with(app, world):
    with app.app_context():
        store.take_change_lock()
        rows = [{column: None for column in store.COLUMNS} | {
            "id": uuid.uuid4(), "cadre_id": world.cadre, "unit_id": world.commune_a1,
            "start_date": date(2025, 3, 3), "end_date": date(2025, 3, 3), "form": "survey",
            "status": "submitted", "version": 1, "summary": "", "findings": "", "recommendations": "",
            "participants": 0, "topics": ()} for _ in range(2)]
        for row in rows:
            for generated in ("change_seq", "updated_at", "received_at"):
                del row[generated]
        store.write_visits([store.Change(None, row, "visit_created") for row in rows], None)
        connection = db.session.connection().connection.driver_connection
        assert connection.prepare_threshold is None
        statements = _prepared()
        assert any(s.startswith("INSERT INTO visits ") for s in statements)
        assert any(s.startswith("INSERT INTO audit_log ") for s in statements)
        assert not [s for s in statements if s.lstrip().upper().startswith(("SELECT", "UPDATE CHANGE"))]
        db.session.commit()


@pytest.mark.postgres
def test_preparing_is_off_again_after_a_bulk_statement_fails(app, world):
    with app.app_context():
        connection = db.session.connection().connection.driver_connection
        bad = [{"visit_id": uuid.uuid4(), "topic_id": 1}, {"visit_id": uuid.uuid4(), "topic_id": 2}]
        with pytest.raises(Exception):  # noqa: B017 - no such visits: a foreign key violation
            store._execute_many(store.LINKS["topics"][0].insert(), bad)
        assert connection.prepare_threshold is None
        db.session.rollback()
