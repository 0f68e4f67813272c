"""The one write path refuses to pretend: a "new" visit whose id is already stored (a writer that
broke the change-lock protocol) is neither written twice nor taken as written (ConcurrentChange,
which the push answers 503 "busy"), and the stored copy is left as it was."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from server.visits import store
from server.visits.models import Visit
from tests.factories import make_visit


def test_a_new_visit_already_stored_is_a_concurrent_change(app, world):
    with app.app_context():
        first = make_visit(world.cadre, world.commune_a1, summary="bản đầu")
        visit_id, seq = first.id, first.change_seq
        db.session.commit()
        again = {**store.snapshot(db.session.get(Visit, visit_id)), "summary": "bản chép đè"}
        for generated in ("change_seq", "updated_at", "received_at"):
            again.pop(generated, None)
        fresh = {**again, "id": uuid.uuid4()}
        store.take_change_lock()
        with pytest.raises(store.ConcurrentChange):
            store.write_visits([store.Change(None, fresh, "visit_created"),
                                store.Change(None, again, "visit_created")], None)
        db.session.rollback()
        kept = db.session.get(Visit, visit_id)
        assert (kept.summary, kept.change_seq) == ("bản đầu", seq)
        assert db.session.get(Visit, fresh["id"]) is None
