"""At a million visits the queue's rare filters must read their partial indexes (migration
8e3a5f9b1c64), not walk every visit in received order (0.5–3 s on SQLite, docs/benchmarks.md).
SQLite's planner, without statistics, is the one that needs steering: it takes a partial index only
when the query says the index's condition the same way."""

from __future__ import annotations

import pytest

from server.auth.models import User
from server.extensions import db
from server.review import queue
from server.review.queue import QueueFilter, _filtered
from server.visits.models import Visit
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner is the one that needs steering")


def _plan(query) -> str:
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return "\n".join(row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


@pytest.mark.parametrize(("wanted", "in_order", "by_status"), [
    (QueueFilter(status=None, late_only=True), "ix_visits_late_in_order", "ix_visits_late"),
    (QueueFilter(status="submitted", late_only=True), "ix_visits_late_in_order", "ix_visits_late"),
    (QueueFilter(status=None, placement_only=True), "ix_visits_placement_in_order",
     "ix_visits_placement_received"),
])
def test_a_rare_filter_reads_its_partial_indexes(app, world, wanted, in_order, by_status, monkeypatch):
    # a province-wide reviewer: the queue is read in received order (a few cadres read their own)
    monkeypatch.setattr(queue, "WIDE_SCOPE", 0)
    with app.test_request_context():
        reviewer = db.session.get(User, world.supervisor)
        page = _filtered(reviewer, wanted, Visit.id).order_by(Visit.received_at.desc(), Visit.id.desc())
        assert f"USING INDEX {in_order}" in _plan(page.limit(51))
        counted = _filtered(reviewer, QueueFilter(**{**wanted.__dict__, "status": "approved"}), Visit.id,
                            ordered=False)
        assert f"USING INDEX {by_status} (status=?" in _plan(counted.limit(1001))
