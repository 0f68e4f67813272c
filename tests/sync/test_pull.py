"""GET /api/v1/sync/pull and GET /api/v1/visits/<id>."""

from __future__ import annotations

import uuid

from server.extensions import db
from tests.api.support import bearer, issue_token, push, wire_visit
from tests.factories import make_visit, review_visit


def pull(client, token, **params):
    response = client.get("/api/v1/sync/pull", query_string=params, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_pull_pages_through_changes_in_server_order(app, client, world, token):
    visits = [wire_visit(world.commune_a1) for _ in range(5)]
    push(client, token, visits)
    first = pull(client, token, limit=2)
    assert [v["id"] for v in first["visits"]] == [v["id"] for v in visits[:2]] and first["more"]
    second = pull(client, token, since=first["cursor"], limit=2)
    third = pull(client, token, since=second["cursor"], limit=2)
    assert [v["id"] for v in second["visits"] + third["visits"]] == [v["id"] for v in visits[2:]]
    assert third["more"] is False
    empty = pull(client, token, since=third["cursor"])
    assert empty.pop("standing")["visits"]  # the regime's figure rides along (tests/regime)
    assert empty == {"visits": [], "cursor": third["cursor"], "more": False,
                     "directions": [], "directions_cursor": 0, "directions_more": False}
    got = first["visits"][0]
    assert got["status"] == "submitted" and got["version"] == 1 and got["review_comment"] is None
    assert set(got) == {"id", "unit_id", "start_date", "end_date", "form", "topics", "directions",
                        "summary", "findings", "recommendations", "participants", "placement_id",
                        "placement_tasks", "location", "client_updated_at", "status", "version",
                        "review_comment", "reviewed_at", "received_at", "photos"}
    assert got["photos"] == []


def test_a_review_made_on_the_server_comes_back_in_the_next_pull(app, client, world, token):
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit, wire_visit(world.commune_a2)])
    cursor = pull(client, token)["cursor"]
    with app.app_context():
        review_visit(visit["id"], world.supervisor, "returned", "Thiếu số liệu")
        db.session.commit()
    page = pull(client, token, since=cursor)
    assert [(v["id"], v["status"], v["review_comment"], v["version"]) for v in page["visits"]] == [
        (visit["id"], "returned", "Thiếu số liệu", 2)]


def test_pull_shows_only_the_callers_visits(app, client, world, token):
    with app.app_context():
        make_visit(world.other_cadre, world.commune_a1)
        mine = make_visit(world.cadre, world.commune_a1)
        db.session.commit()
        mine_id = str(mine.id)
    assert [v["id"] for v in pull(client, token)["visits"]] == [mine_id]


def test_bad_pull_queries_are_400(client, token):
    for params in ({"since": "abc"}, {"since": -1}, {"limit": 0}, {"limit": 501}):
        response = client.get("/api/v1/sync/pull", query_string=params, headers=bearer(token))
        assert response.status_code == 400 and response.get_json()["error"]["fields"], params


def test_get_one_visit_is_for_its_cadre_only(app, client, world, token):
    visit = wire_visit(world.commune_a1, world.topic)
    push(client, token, [visit])
    got = client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(token))
    assert got.status_code == 200 and got.get_json()["topics"] == [world.topic]
    other = issue_token(client, "cadre2")
    assert client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(other)).status_code == 404
    supervisor = issue_token(client, "sup")  # the API serves a cadre's own visits only
    assert client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(supervisor)).status_code == 404
    for missing in (uuid.uuid4(), "not-a-uuid"):
        response = client.get(f"/api/v1/visits/{missing}", headers=bearer(token))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
