"""GET /api/v1/bootstrap: what a device needs offline, ETag-cached."""

from __future__ import annotations

from datetime import date

from server.auth.models import User
from server.extensions import db
from server.planning.models import Placement, Plan
from server.visits.models import Topic
from tests.api.support import bearer, issue_token


def test_bootstrap_content(app, client, world, token):
    with app.app_context():
        db.session.add(Plan(year=date.today().year, title="Kế hoạch", minimum_days=30))
        db.session.add(Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2025, 8, 16),
                                 end_date=date(2025, 8, 22), tasks=["Dự sinh hoạt", "Báo cáo"]))
        db.session.add(Topic(name_vi="Chủ đề cũ", name_en="Old", active=False))
        db.session.commit()
    body = client.get("/api/v1/bootstrap", headers=bearer(token)).get_json()
    assert body["user"]["username"] == "cadre" and body["user"]["unit_id"] == world.district_a
    unit_ids = [u["id"] for u in body["units"]]
    assert body["units"][0]["assigned"] is True
    # the assigned unit first, then by name in Vietnamese order (Đ after D, before H)
    assert unit_ids == [world.commune_b1, world.commune_a1, world.commune_a2, world.district_a]
    assert body["plan_years"] == [date.today().year]
    assert body["placements"][0]["tasks"] == ["Dự sinh hoạt", "Báo cáo"]
    assert body["topics"] == [{"id": world.topic, "name": "Chủ đề thử"}]
    assert [f["code"] for f in body["forms"]] == ["survey", "activity", "inspection", "meeting"]
    assert body["forms"][0]["label"] == "Khảo sát chuyên đề"
    standing = body["standing"]
    assert (standing["year"], standing["minimum"], standing["covered"], standing["days"]) == (
        date.today().year, 30, True, 0)
    assert standing["counting"] == "submitted" and standing["visits"] == []
    assert [c["unit_id"] for c in standing["charges"]] == [world.commune_b1]
    assert body["server_time"].endswith("+00:00")
    assert body["rules"] == {"max_text": 5000, "max_topics": 20, "max_trip_days": 31,
                             "max_participants": 100000, "earliest_date": "2000-01-01",
                             "report_due_days": 10, "max_directions": 20, "max_placement_tasks": 50,
                             "max_photo_bytes": 5 * 1024 * 1024, "max_photos_per_visit": 10,
                             "max_photo_caption": 500, "confirm_older_than_days": 365}
    # the placement's closing report: not written yet, open from its first day to 30 days after its last
    placement = body["placements"][0]
    assert placement["closing_report"] is None
    assert placement["closing_report_from"] == "2025-08-16"
    assert placement["closing_report_until"] == "2025-09-21"


def test_bootstrap_in_english(app, client, world, token):
    with app.app_context():
        db.session.get(User, world.cadre).locale = "en"
        db.session.commit()
    body = client.get("/api/v1/bootstrap", headers=bearer(token)).get_json()
    assert body["forms"][0]["label"] == "Thematic survey"
    assert body["topics"][0]["name"] == "Test topic"


def test_bootstrap_etag_answers_304_until_something_changes(app, client, world, token):
    first = client.get("/api/v1/bootstrap", headers=bearer(token))
    etag = first.headers["ETag"]
    again = client.get("/api/v1/bootstrap", headers={**bearer(token), "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with app.app_context():
        db.session.add(Topic(name_vi="Trồng cây", name_en="Tree planting"))
        db.session.commit()
    changed = client.get("/api/v1/bootstrap", headers={**bearer(token), "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_an_admin_may_record_for_every_unit(client, world):
    body = client.get("/api/v1/bootstrap", headers=bearer(issue_token(client, "admin"))).get_json()
    assert len(body["units"]) == 6
