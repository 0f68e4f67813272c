"""The sync contract extended: monthly accounts and "direction done" in the push envelope (same
result kinds, idempotency and conflicts as visits), directions in bootstrap and pull (cursor),
and visits that carry out directions (own open ones only)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import db
from server.hearings import directions as direction_store
from server.hearings.models import Direction, MonthlyAccount
from server.visits.models import visit_directions
from tests.api.support import bearer, issue_token, wire_visit
from tests.factories import open_directions

MONTH = date.today().strftime("%Y-%m")


def _push(client, token, visits=(), accounts=(), done=(), device="dev-1"):
    response = client.post("/api/v1/sync/push", headers=bearer(token), json={
        "device_id": device, "visits": list(visits), "accounts": list(accounts),
        "directions_done": list(done)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _account(**overrides):
    return {"id": str(uuid.uuid4()), "base_version": None, "month": MONTH,
            "went_well": "Nắm chắc tình hình 3 xã", "difficulties": "Đường xa, mưa lũ",
            "proposals": "Hỗ trợ kinh phí đi lại", **overrides}


@pytest.fixture
def directions(app, world) -> list[int]:
    with app.app_context():
        ids = open_directions(world, count=2)
        db.session.commit()
    return ids


def _count(app, action):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_an_account_is_stored_exactly_once(client, app, world):
    token = issue_token(client)
    account = _account()
    first = _push(client, token, accounts=[account])
    assert first["results"] == [] and first["directions_done"] == []
    assert first["accounts"] == [{"id": account["id"], "status": "created", "version": 1}]
    # the answer was lost: the same push again changes nothing
    assert _push(client, token, accounts=[account])["accounts"][0]["status"] == "unchanged"
    assert _count(app, "account_created") == 1
    edited = {**account, "base_version": 1, "proposals": "Thêm tài liệu"}
    assert _push(client, token, accounts=[edited])["accounts"][0] == {
        "id": account["id"], "status": "updated", "version": 2}
    with app.app_context():
        stored = db.session.get(MonthlyAccount, uuid.UUID(account["id"]))
        assert (stored.proposals, stored.version) == ("Thêm tài liệu", 2)
        assert stored.month == date.today().replace(day=1)


def test_account_conflicts_behave_like_visits(client, app, world):
    token = issue_token(client)
    account = _account()
    _push(client, token, accounts=[account])
    _push(client, token, accounts=[{**account, "base_version": 1, "went_well": "Bản trên máy tính bảng"}])
    phone = {**account, "base_version": 1, "went_well": "Bản trên điện thoại"}
    stale = _push(client, token, accounts=[phone])
    [result] = stale["accounts"]
    assert (result["status"], result["version"]) == ("conflict", 2)
    assert result["server"]["went_well"] == "Bản trên máy tính bảng" and result["server"]["month"] == MONTH
    # a second device wrote the same month under another id: it learns the server's copy
    other = _push(client, token, accounts=[_account()], device="dev-2")["accounts"][0]
    assert other["status"] == "conflict" and other["server"]["id"] == account["id"]
    # keep mine: resend on top of the server's version
    kept = _push(client, token, accounts=[{**account, "base_version": 2, "went_well": "Bản trên điện thoại"}])
    assert kept["accounts"][0]["status"] == "updated"


def test_accounts_of_others_and_bad_ones_are_invalid(client, app, world):
    mine = issue_token(client)
    account = _account()
    _push(client, mine, accounts=[account])
    theirs = issue_token(client, "cadre2")
    result = _push(client, theirs, accounts=[{**account, "base_version": 1, "went_well": "x"}])["accounts"][0]
    assert result["status"] == "invalid" and "server" not in result
    future = (date.today().replace(day=28) + timedelta(days=10)).strftime("%Y-%m")
    bad = _push(client, mine, accounts=[_account(month=future), _account(month="2025-13"), {"id": "x"}])
    assert [r["status"] for r in bad["accounts"]] == ["invalid"] * 3
    assert set(bad["accounts"][1]["errors"]) == {"month"}


def test_a_direction_is_marked_done_exactly_once(client, app, world, directions):
    token = issue_token(client)
    done = {"id": str(uuid.uuid4()), "direction_id": directions[0], "base_version": 1,
            "note": "Đã khảo sát 2 mô hình", "done_at": "2026-01-05T09:00:00+07:00"}
    assert _push(client, token, done=[done])["directions_done"] == [
        {"id": done["id"], "status": "updated", "version": 2}]
    assert _push(client, token, done=[done])["directions_done"][0]["status"] == "unchanged"
    assert _count(app, "direction_done") == 1
    with app.app_context():
        direction = db.session.get(Direction, directions[0])
        assert (direction.state, direction.version) == ("done", 2)
        assert direction.done_note == "Đã khảo sát 2 mô hình"


def test_a_stale_done_is_a_conflict_and_others_are_invalid(client, app, world, directions):
    with app.app_context():  # the committee reworded it after the phone last synced
        direction_store.change(direction_store.locked(directions[0]), world.supervisor, "direction_updated",
                               text="Khảo sát 3 mô hình")
        db.session.commit()
    token = issue_token(client)
    stale = {"id": str(uuid.uuid4()), "direction_id": directions[0], "base_version": 1, "note": "Xong"}
    [result] = _push(client, token, done=[stale])["directions_done"]
    assert (result["status"], result["version"]) == ("conflict", 2)
    assert result["server"]["text"] == "Khảo sát 3 mô hình" and result["server"]["state"] == "open"
    kept = _push(client, token, done=[{**stale, "base_version": 2}])
    assert kept["directions_done"][0]["status"] == "updated"
    theirs = issue_token(client, "cadre2")
    other = _push(client, theirs, done=[{**stale, "id": str(uuid.uuid4()), "direction_id": directions[1]}])
    assert other["directions_done"][0]["status"] == "invalid"
    with app.app_context():
        assert db.session.get(Direction, directions[1]).state == "open"


def test_directions_arrive_in_bootstrap_and_pull(client, app, world, directions):
    token = issue_token(client)
    boot = client.get("/api/v1/bootstrap", headers=bearer(token)).get_json()
    assert [d["id"] for d in boot["directions"]] == directions
    assert boot["directions"][0]["state"] == "open" and boot["directions"][0]["version"] == 1
    page = client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()
    assert [d["id"] for d in page["directions"]] == directions and page["directions_more"] is False
    cursor = page["directions_cursor"]
    assert client.get(f"/api/v1/sync/pull?directions_since={cursor}",
                      headers=bearer(token)).get_json()["directions"] == []
    _push(client, token, done=[{"id": str(uuid.uuid4()), "direction_id": directions[1], "base_version": 1}])
    after = client.get(f"/api/v1/sync/pull?directions_since={cursor}", headers=bearer(token)).get_json()
    assert [(d["id"], d["state"]) for d in after["directions"]] == [(directions[1], "done")]
    boot = client.get("/api/v1/bootstrap", headers=bearer(token)).get_json()
    assert [d["id"] for d in boot["directions"]] == [directions[0]]
    # another cadre's phone gets none of them
    theirs = issue_token(client, "cadre2")
    assert client.get("/api/v1/sync/pull", headers=bearer(theirs)).get_json()["directions"] == []


def test_a_visit_carries_out_own_open_directions_only(client, app, world, directions):
    token = issue_token(client)
    with app.app_context():
        [foreign] = open_directions(world, cadre_id=world.other_cadre)
        db.session.commit()
    visit = wire_visit(world.commune_a1, directions=directions)
    refused = wire_visit(world.commune_a1, directions=[foreign])
    results = _push(client, token, visits=[visit, refused])["results"]
    assert [r["status"] for r in results] == ["created", "invalid"]
    assert set(results[1]["errors"]) == {"directions"}
    pulled = client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(token)).get_json()
    assert pulled["directions"] == sorted(directions)
    # the direction is closed; the visit still carries it when edited, a new visit cannot take it
    _push(client, token, done=[{"id": str(uuid.uuid4()), "direction_id": directions[0], "base_version": 1}])
    edited = {**visit, "base_version": 1, "summary": "Sửa lại"}
    late = wire_visit(world.commune_a1, directions=[directions[0]])
    statuses = [r["status"] for r in _push(client, token, visits=[edited, late])["results"]]
    assert statuses == ["updated", "invalid"]
    # dropping a direction from the visit unlinks it (store.py rewrites the links)
    _push(client, token, visits=[{**edited, "base_version": 2, "directions": [directions[1]]}])
    with app.app_context():
        links = db.session.execute(select(visit_directions.c.direction_id).where(
            visit_directions.c.visit_id == uuid.UUID(visit["id"]))).scalars().all()
        assert links == [directions[1]]


def test_the_openapi_document_describes_the_extension(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    push = schemas["PushRequest"]["properties"]
    assert {"accounts", "directions_done", "visits"} <= set(push)
    assert set(schemas["AccountIn"]["properties"]) >= {"id", "base_version", "month", "went_well"}
    assert set(schemas["DirectionDoneIn"]["properties"]) >= {"id", "direction_id", "base_version", "note"}
    assert "directions" in schemas["VisitIn"]["properties"]
    assert {"directions", "directions_cursor"} <= set(schemas["PullResponse"]["properties"])
    assert "directions" in schemas["BootstrapResponse"]["properties"]
