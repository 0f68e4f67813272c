"""The placement's closing report in the sync contract: pushed in ``placement_reports`` with the
same result kinds, idempotency and conflicts as a monthly account; only the placement's own cadre
writes it, from the placement's first day until 30 days after its last; bootstrap brings it back."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import db
from server.planning.models import PlacementReport
from tests.api.support import bearer, issue_token

TEXT = "Tuần tập sự giúp em nắm cách tổ chức sinh hoạt chi đoàn thôn.\nĐề xuất: thêm một ngày ở thôn xa."


def _push(client, token, reports, device="dev-1"):
    response = client.post("/api/v1/sync/push", headers=bearer(token), json={
        "device_id": device, "visits": [], "placement_reports": reports})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["results"] == [] and body["accounts"] == [] and body["directions_done"] == []
    return body["placement_reports"]


def _report(placement_id: int, **overrides):
    return {"id": str(uuid.uuid4()), "base_version": None, "placement_id": placement_id, "text": TEXT,
            "client_updated_at": "2026-01-09T21:00:00+07:00", **overrides}


def _audits(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def _stored(app, placement_id: int) -> PlacementReport | None:
    with app.app_context():
        report = db.session.scalar(
            select(PlacementReport).where(PlacementReport.placement_id == placement_id))
        if report is not None:
            db.session.expunge(report)
        return report


def test_a_closing_report_is_created_once_then_updated(client, app, placements):
    token = issue_token(client, "tapsu")
    report = _report(placements.current)
    assert _push(client, token, [report]) == [{"id": report["id"], "status": "created", "version": 1}]
    # the answer was lost: the same push again writes nothing
    assert _push(client, token, [report]) == [{"id": report["id"], "status": "unchanged", "version": 1}]
    assert _audits(app, "closing_report_created") == 1
    edited = {**report, "base_version": 1, "text": TEXT + "\nCảm ơn anh chị Đoàn xã."}
    assert _push(client, token, [edited]) == [{"id": report["id"], "status": "updated", "version": 2}]
    assert _push(client, token, [edited])[0]["status"] == "unchanged"
    stored = _stored(app, placements.current)
    assert (str(stored.id), stored.text, stored.version, stored.device_id) == (
        report["id"], edited["text"], 2, "dev-1")
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "closing_report_updated"))
        assert (entry.actor_id, entry.entity_type, entry.entity_id) == (
            placements.tapsu, "placement", str(placements.current))
        assert entry.details["changes"]["text"] == [TEXT, edited["text"]]


def test_conflicts_behave_like_a_monthly_account(client, app, placements):
    token = issue_token(client, "tapsu")
    report = _report(placements.current)
    _push(client, token, [report])
    _push(client, token, [{**report, "base_version": 1, "text": "Bản trên máy tính bảng"}])
    [stale] = _push(client, token, [{**report, "base_version": 1, "text": "Bản trên điện thoại"}])
    assert (stale["status"], stale["version"]) == ("conflict", 2)
    assert stale["server"]["text"] == "Bản trên máy tính bảng" and stale["server"]["id"] == report["id"]
    assert stale["server"]["placement_id"] == placements.current
    # a second device wrote the placement's report under another id: it learns the server's copy
    [other] = _push(client, token, [_report(placements.current, text="Bản thứ hai")], device="dev-2")
    assert other["status"] == "conflict" and other["server"]["id"] == report["id"]
    # keep mine: resend under the server's id, on top of its version
    [kept] = _push(client, token, [{**report, "base_version": 2, "text": "Bản trên điện thoại"}])
    assert (kept["status"], kept["version"]) == ("updated", 3)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlacementReport)) == 1


def test_only_the_placements_own_cadre_writes_it(client, app, placements):
    mine = issue_token(client, "tapsu")
    report = _report(placements.current)
    _push(client, mine, [report])
    theirs = issue_token(client, "tapsu2")
    results = _push(client, theirs, [
        {**report, "base_version": 1, "text": "Ghi đè"},  # my report's id and placement
        _report(placements.current),  # a new report for my placement
        {**report, "placement_id": placements.theirs, "text": "Mượn mã"},  # my id, their placement
    ])
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert all("server" not in r for r in results)
    assert set(results[0]["errors"]) == set(results[1]["errors"]) == {"placement_id"}
    assert set(results[2]["errors"]) == {"id"}
    cadre = issue_token(client, "cadre")  # not a probationary cadre at all
    assert _push(client, cadre, [_report(placements.theirs)])[0]["status"] == "invalid"
    assert _stored(app, placements.current).text == TEXT and _stored(app, placements.theirs) is None


def test_bad_reports_are_invalid(client, app, placements):
    token = issue_token(client, "tapsu")
    results = _push(client, token, [
        _report(placements.current, text="   \n "),
        _report(placements.current, text="x" * 5001),
        _report(10**6),
        _report(placements.current, base_version=3),  # an edit of a report the server never had
        _report(placements.coming),  # the placement starts tomorrow
        {"id": "not-a-uuid", "placement_id": placements.current, "text": "x"},
        _report(placements.current, colour="blue"),
    ])
    assert [r["status"] for r in results] == ["invalid"] * 7
    assert [set(r["errors"]) for r in results] == [
        {"text"}, {"text"}, {"placement_id"}, {"id"}, {"placement_id"}, {"id"}, {"colour"}]
    assert results[5]["id"] == "not-a-uuid"
    assert "Vui lòng viết báo cáo kết thúc đợt." in results[0]["errors"]["text"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlacementReport)) == 0


def test_thirty_days_after_the_placement_the_report_is_locked(client, app, placements):
    token = issue_token(client, "tapsu")
    late = _report(placements.ended)
    assert _push(client, token, [late]) == [{"id": late["id"], "status": "locked", "version": None}]
    with app.app_context():  # written in time (by the no-JavaScript page, say), now closed
        db.session.add(PlacementReport(id=uuid.UUID(late["id"]), placement_id=placements.ended, text=TEXT))
        db.session.commit()
    assert _push(client, token, [{**late, "base_version": 1}])[0]["status"] == "unchanged"
    changed = _push(client, token, [{**late, "base_version": 1, "text": "Sửa muộn"}])
    assert changed == [{"id": late["id"], "status": "locked", "version": 1}]
    assert _stored(app, placements.ended).text == TEXT


def test_bootstrap_brings_the_report_back_and_its_etag_moves(client, app, placements):
    token = issue_token(client, "tapsu")
    first = client.get("/api/v1/bootstrap", headers=bearer(token))
    by_id = {p["id"]: p for p in first.get_json()["placements"]}
    assert by_id[placements.current]["closing_report"] is None
    report = _report(placements.current)
    again = {**bearer(token), "If-None-Match": first.headers["ETag"]}
    assert client.get("/api/v1/bootstrap", headers=again).status_code == 304
    _push(client, token, [report])
    second = client.get("/api/v1/bootstrap", headers=again)
    assert second.status_code == 200  # the report changed the bootstrap
    copy = {p["id"]: p for p in second.get_json()["placements"]}[placements.current]["closing_report"]
    assert (copy["id"], copy["text"], copy["version"], copy["placement_id"]) == (
        report["id"], TEXT, 1, placements.current)
    assert set(copy) == {"id", "placement_id", "text", "version", "received_at", "updated_at"}
    # the other cadre's phone never gets it
    theirs = client.get("/api/v1/bootstrap", headers=bearer(issue_token(client, "tapsu2"))).get_json()
    assert [p["id"] for p in theirs["placements"]] == [placements.theirs]
    assert theirs["placements"][0]["closing_report"] is None


def test_the_openapi_document_describes_the_closing_report(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "placement_reports" in schemas["PushRequest"]["properties"]
    assert "placement_reports" in schemas["PushResponse"]["properties"]
    assert set(schemas["PlacementReportIn"]["properties"]) == {
        "id", "base_version", "placement_id", "text", "client_updated_at"}
    assert schemas["PlacementReportIn"]["properties"]["text"]["maxLength"] == 5000
    placement = schemas["BootstrapPlacement"]["properties"]
    assert {"closing_report", "closing_report_from", "closing_report_until"} <= set(placement)
    assert "placement_tasks" in schemas["VisitIn"]["properties"]
