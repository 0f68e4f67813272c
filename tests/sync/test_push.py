"""POST /api/v1/sync/push: every result kind, the validation rules and the scope rules."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from server.planning.models import Assignment, Placement
from server.visits.models import Visit, VisitStatus
from tests.api.support import issue_token, push, wire_visit
from tests.factories import make_visit, review_visit


def results(response) -> list[dict]:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def stored(app, visit_id: str) -> Visit | None:
    with app.app_context():
        visit = db.session.get(Visit, uuid.UUID(visit_id))
        if visit is not None:
            db.session.expunge(visit)
        return visit


def test_created_then_unchanged_on_retry(app, client, world, token):
    visit = wire_visit(world.commune_a1, world.topic)
    [first] = results(push(client, token, [visit]))
    assert first == {"id": visit["id"], "status": "created", "version": 1}
    [again] = results(push(client, token, [visit]))
    assert again == {"id": visit["id"], "status": "unchanged", "version": 1}
    row = stored(app, visit["id"])
    assert row.cadre_id == world.cadre and row.status == "submitted" and row.version == 1
    assert row.device_id == "dev-1" and row.latitude == 21.85 and row.participants == 25
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_updated_with_the_right_base_version(app, client, world, token):
    visit = wire_visit(world.commune_a1, world.topic)
    push(client, token, [visit])
    edited = {**visit, "base_version": 1, "summary": "Sửa lại", "topics": [], "location": None}
    [result] = results(push(client, token, [edited]))
    assert result == {"id": visit["id"], "status": "updated", "version": 2}
    row = stored(app, visit["id"])
    assert row.summary == "Sửa lại" and row.latitude is None and row.version == 2
    [retry] = results(push(client, token, [edited]))
    assert retry["status"] == "unchanged" and retry["version"] == 2


def test_conflict_returns_the_server_copy(client, world, token):
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit])
    push(client, token, [{**visit, "base_version": 1, "summary": "phone A"}])
    [result] = results(push(client, token, [{**visit, "base_version": 1, "summary": "phone B"}]))
    assert result["status"] == "conflict" and result["version"] == 2
    server = result["server"]
    assert server["summary"] == "phone A" and server["version"] == 2 and server["status"] == "submitted"
    assert server["id"] == visit["id"] and server["location"] == visit["location"]
    # a new visit whose id the server already holds with other content is a conflict too
    [new_again] = results(push(client, token, [{**visit, "summary": "phone C"}]))
    assert new_again["status"] == "conflict"


def test_approved_visits_are_locked(app, client, world, token):
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit])
    _review(app, visit["id"], VisitStatus.APPROVED)
    [result] = results(push(client, token, [{**visit, "base_version": 2, "summary": "late edit"}]))
    assert result == {"id": visit["id"], "status": "locked", "version": 2}
    assert stored(app, visit["id"]).summary == visit["summary"]
    # a retry of what was approved is still just unchanged
    [retry] = results(push(client, token, [visit]))
    assert retry["status"] == "unchanged"


def test_a_returned_visit_edited_is_submitted_again(app, client, world, token):
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit])
    _review(app, visit["id"], VisitStatus.RETURNED, "Bổ sung số liệu")
    [result] = results(push(client, token, [{**visit, "base_version": 2, "participants": 30}]))
    assert result == {"id": visit["id"], "status": "updated", "version": 3}
    row = stored(app, visit["id"])
    assert row.status == "submitted" and row.participants == 30
    # resubmitting a returned visit unchanged also counts: the cadre answers the comment
    _review(app, visit["id"], VisitStatus.RETURNED, "Vẫn thiếu")
    same = {**visit, "base_version": 4, "participants": 30}
    assert results(push(client, token, [same]))[0] == {"id": visit["id"], "status": "updated", "version": 5}
    assert results(push(client, token, [same]))[0]["status"] == "unchanged"


def _review(app, visit_id: str, status: str, comment: str | None = None) -> None:
    """What a supervisor does: a new status, version and change_seq, through the review service."""
    with app.app_context():
        reviewer = db.session.scalar(select(User).where(User.username == "sup"))
        review_visit(visit_id, reviewer.id, status, comment)
        db.session.commit()


def test_each_item_is_judged_on_its_own_and_results_keep_the_order(app, client, world, token):
    good = wire_visit(world.commune_a1)
    items = [good, {"id": "not-a-uuid"}, 7, wire_visit(world.commune_a2), good]
    got = results(push(client, token, items))
    assert [r["status"] for r in got] == ["created", "invalid", "invalid", "created", "unchanged"]
    assert got[1]["id"] == "not-a-uuid" and "id" in got[1]["errors"]
    assert got[2]["id"] is None and got[2]["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 2


def test_duplicates_and_edits_in_one_batch(app, client, world, token):
    visit = wire_visit(world.commune_a1)
    edit = {**visit, "base_version": 1, "summary": "v2"}
    got = results(push(client, token, [visit, visit, edit, edit, {**visit, "base_version": 1}]))
    assert [(r["status"], r["version"]) for r in got] == [
        ("created", 1), ("unchanged", 1), ("updated", 2), ("unchanged", 2), ("conflict", 2)]
    row = stored(app, visit["id"])
    assert row.summary == "v2" and row.version == 2


def _errors(client, token, unit_id: int, **overrides) -> dict:
    visit = wire_visit(unit_id, **overrides)
    [result] = results(push(client, token, [visit]))
    assert result["status"] == "invalid", result
    return result["errors"]


INVALID_CASES = [
    ({"start_date": "2025-02-30"}, "start_date"),
    ({"start_date": "hôm qua"}, "start_date"),
    ({"end_date": (date.today() - timedelta(days=30)).isoformat()}, "end_date"),
    ({"start_date": (date.today() - timedelta(days=40)).isoformat(),
      "end_date": (date.today() - timedelta(days=5)).isoformat()}, "end_date"),
    ({"start_date": (date.today() + timedelta(days=3)).isoformat(),
      "end_date": (date.today() + timedelta(days=4)).isoformat()}, "start_date"),
    ({"start_date": "1999-12-30", "end_date": "1999-12-31"}, "start_date"),
    ({"form": "picnic"}, "form"),
    ({"summary": "x" * 5001}, "summary"),
    ({"findings": "nul\x00byte"}, "findings"),
    ({"recommendations": "\ud800"}, "recommendations"),
    ({"participants": -1}, "participants"),
    ({"participants": 10**9}, "participants"),
    ({"participants": "12"}, "participants"),
    ({"topics": list(range(1, 30))}, "topics"),
    ({"topics": "1,2"}, "topics"),
    ({"location": {"lat": 91, "lon": 0}}, "location"),
    ({"location": {"lat": 1}}, "location"),
    ({"base_version": 0}, "base_version"),
    ({"colour": "red"}, "colour"),
    ({"unit_id": None}, "unit_id"),
    ({"unit_id": 2**40}, "unit_id"),
    ({"client_updated_at": "yesterday"}, "client_updated_at"),
]


def test_invalid_fields(app, client, world, token):
    visits = [{**wire_visit(world.commune_a1), **overrides} for overrides, _field in INVALID_CASES]
    got = results(push(client, token, visits))
    for (overrides, field), result in zip(INVALID_CASES, got, strict=True):
        assert result["status"] == "invalid", overrides
        assert field in result["errors"], (overrides, result["errors"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_messages_are_vietnamese_by_default_and_english_for_english_users(app, client, world, token):
    errors = _errors(client, token, unit_id=world.commune_a1, form=None, colour=1)
    assert errors == {"form": ["Trường này không được để trống."], "colour": ["Trường không xác định."]}
    errors = _errors(client, token, unit_id=world.commune_a1, summary="x" * 5001)
    assert errors == {"summary": ["Tối đa 5000 ký tự."]}
    from server.auth.models import User

    with app.app_context():
        db.session.get(User, world.cadre).locale = "en"
        db.session.commit()
    errors = _errors(client, token, unit_id=world.commune_a1, summary="x" * 5001)
    assert errors == {"summary": ["At most 5000 characters."]}


def test_scope_rules(app, client, world, token):
    # own subtree (district A and below) and the assigned commune B1: yes
    for unit in (world.district_a, world.commune_a1, world.commune_b1):
        assert results(push(client, token, [wire_visit(unit)]))[0]["status"] == "created"
    # the province above, district B, an unknown unit: no
    for unit in (world.province, world.district_b, 9999):
        assert _errors(client, token, unit_id=unit) == {
            "unit_id": ["Bạn không được ghi nhận lượt đi cơ sở cho đơn vị này."]}
    # the assignment counts on the visit's dates only
    with app.app_context():
        db.session.execute(Assignment.__table__.update().values(start_date=date.today()))
        db.session.commit()
    assert "unit_id" in _errors(client, token, unit_id=world.commune_b1)
    # an admin records anywhere
    admin = issue_token(client, "admin")
    assert results(push(client, admin, [wire_visit(world.commune_b1)]))[0]["status"] == "created"


def test_topics_must_exist_and_placements_be_ones_own(app, client, world, token):
    assert "topics" in _errors(client, token, unit_id=world.commune_a1, topics=[world.topic, 424242])
    with app.app_context():
        mine = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2025, 8, 16),
                         end_date=date(2025, 8, 22), tasks=["Dự sinh hoạt chi đoàn"])
        theirs = Placement(cadre_id=world.other_cadre, unit_id=world.commune_a1,
                           start_date=date(2025, 8, 16), end_date=date(2025, 8, 22))
        db.session.add_all([mine, theirs])
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    assert "placement_id" in _errors(client, token, unit_id=world.commune_a1, placement_id=theirs_id)
    ok = wire_visit(world.commune_a1, world.topic, placement_id=mine_id)
    assert results(push(client, token, [ok]))[0]["status"] == "created"


def test_another_cadres_visit_is_neither_shown_nor_touched(app, client, world, token):
    with app.app_context():
        theirs = make_visit(world.other_cadre, world.commune_a1, summary="secret")
        db.session.commit()
        their_id = str(theirs.id)
    for base in (None, 1):
        visit = wire_visit(world.commune_a1, id=their_id, base_version=base, summary="overwrite")
        [result] = results(push(client, token, [visit]))
        assert result["status"] == "invalid" and "server" not in result
        assert result["errors"] == {"id": ["Không có lượt đi cơ sở nào của bạn mang mã này."]}
    row = stored(app, their_id)
    assert row.cadre_id == world.other_cadre and row.summary == "secret" and row.version == 1


def test_an_edit_of_an_unknown_visit_is_invalid(client, world, token):
    [result] = results(push(client, token, [wire_visit(world.commune_a1, base_version=3)]))
    assert result["status"] == "invalid" and "id" in result["errors"]


def test_every_change_takes_a_new_change_seq_and_one_audit_entry(app, client, world, token):
    a, b = wire_visit(world.commune_a1), wire_visit(world.commune_a2)
    push(client, token, [a, b])
    push(client, token, [{**a, "base_version": 1, "summary": "z"}, b])
    with app.app_context():
        seqs = dict(db.session.execute(select(Visit.id, Visit.change_seq)).all())
        assert sorted(seqs.values()) == [2, 3]
        assert seqs[uuid.UUID(a["id"])] == 3
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "visit")
                                     .order_by(AuditEntry.id)).all()
        # one entry per change (the unchanged copy of b leaves none), saying what changed
        assert [(e.action, e.entity_id, e.details["version"]) for e in entries] == [
            ("visit_created", a["id"], 1), ("visit_created", b["id"], 1), ("visit_updated", a["id"], 2)]
        assert {e.actor_id for e in entries} == {world.cadre}
        assert entries[2].details["changes"] == {"summary": [a["summary"], "z"]}
        assert entries[0].details["changes"]["unit_id"] == [None, world.commune_a1]


def test_push_visits_is_usable_without_http(app, world):
    """The web form calls the service directly with one wire-format item."""
    from server.auth.models import User
    from server.visits.push import push_visits

    with app.test_request_context():
        user = db.session.get(User, world.cadre)
        [result] = push_visits(user, "web", [wire_visit(world.commune_a1)])
        db.session.commit()
        assert result.status == "created" and result.accepted
        [bad] = push_visits(user, "web", [wire_visit(world.commune_a1, form="x")])
        assert bad.status == "invalid" and bad.errors["form"] == [
            "Phải là một trong các giá trị: survey, activity, inspection, meeting."]


def test_a_database_lost_in_the_middle_of_a_push_answers_503_in_the_users_language(app, client, world,
                                                                                    token):
    """The database goes away after the device was signed in (a PostgreSQL restart, found by
    bench/soak.py): the answer is a 503 to retry, written without the database. It used to be a
    500, because writing the message in the cadre's language reloaded the cadre from the database."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    with app.app_context():
        db.session.get(User, world.cadre).locale = "en"
        db.session.commit()
        engine = db.engine
    gone = []

    def database_gone(conn, cursor, statement, parameters, context, executemany):
        if "change_counters" in statement:  # the push takes its lock: from here on, no database
            gone.append(statement)
        if gone:
            raise OperationalError(statement, parameters, Exception("server closed the connection"))

    event.listen(engine, "before_cursor_execute", database_gone)
    try:
        response = push(client, token, [wire_visit(world.commune_a1, world.topic)])
    finally:
        event.remove(engine, "before_cursor_execute", database_gone)
    assert gone
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    body = response.get_json()["error"]
    assert body["code"] == "service_unavailable" and body["message"].startswith("The server cannot reach")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 0
