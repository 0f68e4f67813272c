"""Approve, return (comment required), bulk approve (confirmed first), reopen an approved visit (with a
reason), two supervisors at once, the visit page."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.review.models import ReviewEvent
from server.visits.models import Visit
from tests.api.support import bearer, issue_token, push, wire_visit
from tests.factories import make_visit
from tests.helpers import csrf_token


def _post(client, path: str, data: dict, page: str):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def _visit(app, visit_id) -> Visit:
    with app.app_context():
        visit = db.session.get(Visit, uuid.UUID(str(visit_id)))
        db.session.expunge(visit)
        return visit


@pytest.fixture
def pushed(client, world):
    """A visit the cadre pushed from their phone, and that phone's token."""
    token = issue_token(client)
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit])
    return visit["id"], token


def test_approving_locks_the_visit_for_the_cadre(app, client, auth, world, pushed):
    visit_id, token = pushed
    auth.sign_in("sup")
    page = f"/review/visits/{visit_id}"
    response = _post(client, f"{page}/approve", {"version": "1"}, page)
    assert response.status_code == 302
    visit = _visit(app, visit_id)
    assert (visit.status, visit.version, visit.reviewed_by_id) == ("approved", 2, world.supervisor)
    edit = wire_visit(world.commune_a1, id=visit_id, base_version=2, summary="sửa sau khi duyệt")
    result = push(client, token, [edit]).get_json()["results"][0]
    assert result["status"] == "locked"
    with app.app_context():
        [event] = db.session.scalars(select(ReviewEvent)).all()
        assert (event.action, event.visit_version, event.reviewer_id) == ("approve", 1, world.supervisor)
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == visit_id)).all()
        assert actions == ["visit_created", "visit_approve"]


def test_returning_needs_a_comment_and_the_phone_gets_it(app, client, auth, world, pushed):
    visit_id, token = pushed
    auth.sign_in("sup")
    page = f"/review/visits/{visit_id}"
    refused = _post(client, f"{page}/return", {"version": "1", "comment": "   "}, page)
    assert refused.status_code == 400 and "Hãy ghi rõ cán bộ cần sửa gì." in refused.get_data(as_text=True)
    assert _visit(app, visit_id).status == "submitted"
    response = _post(client, f"{page}/return", {"version": "1", "comment": "Bổ sung số người"}, page)
    assert response.status_code == 302
    [pulled] = client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()["visits"]
    assert (pulled["status"], pulled["version"]) == ("returned", 2)
    assert pulled["review_comment"] == "Bổ sung số người"
    # the cadre edits it: it comes back submitted, with a higher version, for review again
    edit = wire_visit(world.commune_a1, id=visit_id, base_version=2, participants=40)
    assert push(client, token, [edit]).get_json()["results"][0] == {
        "id": visit_id, "status": "updated", "version": 3}
    assert _visit(app, visit_id).status == "submitted"


def test_only_submitted_visits_can_be_reviewed(app, client, auth, world):
    with app.app_context():
        approved = make_visit(world.cadre, world.commune_a1, status="approved")
        returned = make_visit(world.cadre, world.commune_a1, status="returned", review_comment="x")
        db.session.commit()
        ids = [str(approved.id), str(returned.id)]
    auth.sign_in("sup")
    for visit_id in ids:
        page = f"/review/visits/{visit_id}"
        assert 'id="review-actions"' not in client.get(page).get_data(as_text=True)
        for action, data in (("approve", {"version": "1"}), ("return", {"version": "1", "comment": "c"})):
            response = _post(client, f"{page}/{action}", data, page)
            assert response.status_code == 302
            after = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "đã thay đổi trong lúc bạn xem" in after
    assert [_visit(app, i).status for i in ids] == ["approved", "returned"]


def test_two_supervisors_at_once_cannot_both_win(app, client, auth, world, pushed):
    visit_id, _token = pushed
    other = app.test_client()
    from tests.conftest import AuthActions

    auth.sign_in("sup")
    AuthActions(other).sign_in("admin")
    page = f"/review/visits/{visit_id}"
    first_token, second_token = csrf_token(client, page), csrf_token(other, page)  # both read v1
    first = client.post(f"{page}/return", data={"version": "1", "comment": "Thiếu ảnh",
                                                 "csrf_token": first_token})
    second = other.post(f"{page}/approve", data={"version": "1", "csrf_token": second_token})
    assert first.status_code == second.status_code == 302
    shown = other.get(second.headers["Location"]).get_data(as_text=True)
    assert "đã thay đổi trong lúc bạn xem" in shown and "Thiếu ảnh" in shown
    visit = _visit(app, visit_id)
    assert (visit.status, visit.version, visit.review_comment) == ("returned", 2, "Thiếu ảnh")


def test_bulk_approve_takes_what_is_still_waiting_and_says_what_it_left(app, client, auth, world):
    with app.app_context():
        fresh = [make_visit(world.cadre, world.commune_a1) for _ in range(3)]
        done = make_visit(world.cadre, world.commune_a1, status="approved")
        db.session.commit()
        ids = [str(v.id) for v in fresh]
        done_id = str(done.id)
    auth.sign_in("sup")
    queue = client.get("/review/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', queue).group(1)
    # meanwhile the first one was returned by someone else
    with app.app_context():
        from tests.factories import review_visit

        review_visit(ids[0], world.admin, "returned", "Thiếu số liệu")
        db.session.commit()
    selected = [f"{ids[0]}:1", f"{ids[1]}:1", f"{done_id}:1", "garbage"]
    response = client.post("/review/bulk", data={"csrf_token": token, "selected": selected, "confirmed": "1",
                                                 "next": "/review/?status=submitted"})
    assert response.status_code == 302 and response.headers["Location"] == "/review/?status=submitted"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã duyệt 1 lượt." in page and "2 lượt được giữ nguyên" in page
    assert [_visit(app, i).status for i in ids] == ["returned", "approved", "submitted"]
    # "all on this page": the shown list, whatever is ticked
    client.post("/review/bulk", data={"csrf_token": token, "all": "1", "shown": [f"{ids[2]}:1"],
                                      "confirmed": "1"})
    assert _visit(app, ids[2]).status == "approved"


def test_bulk_approve_asks_first_how_many_and_whose(app, client, auth, world):
    """Without the confirmation nothing is approved: a page names the count and the cadres, and its
    button sends exactly the visits it counted (works without JavaScript)."""
    with app.app_context():
        mine = [make_visit(world.cadre, world.commune_a1) for _ in range(2)]
        other = make_visit(world.other_cadre, world.commune_a2)
        done = make_visit(world.cadre, world.commune_a1, status="approved")
        db.session.commit()
        ids = [str(v.id) for v in (*mine, other)]
        done_id = str(done.id)
    auth.sign_in("sup")
    queue = client.get("/review/").get_data(as_text=True)
    assert 'data-view="review-queue"' in queue  # the dialog's script, with JavaScript
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', queue).group(1)
    shown = [f"{i}:1" for i in ids] + [f"{done_id}:1"]
    response = client.post("/review/bulk", data={"csrf_token": token, "all": "1", "shown": shown,
                                                 "next": "/review/?status=submitted"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert [_visit(app, i).status for i in ids] == ["submitted"] * 3  # nothing approved yet
    assert "Duyệt 3 lượt?" in page and 'data-count="3"' in page
    assert "Cán Bộ Thử" in page and "Cán Bộ Khác" in page and "2 lượt" in page
    assert "1 lượt bạn chọn không còn chờ duyệt" in page  # the approved one is left out
    assert sorted(re.findall(r'name="selected" value="([^"]+)"', page)) == sorted(f"{i}:1" for i in ids)
    assert 'name="confirmed" value="1"' in page and 'value="/review/?status=submitted"' in page
    confirmed = {"csrf_token": token, "confirmed": "1", "next": "/review/?status=submitted",
                 "selected": re.findall(r'name="selected" value="([^"]+)"', page)}
    response = client.post("/review/bulk", data=confirmed)
    assert response.status_code == 302 and response.headers["Location"] == "/review/?status=submitted"
    assert [_visit(app, i).status for i in ids] == ["approved"] * 3
    # asked again about visits approved meanwhile: nothing to confirm, said so, back to the queue
    response = client.post("/review/bulk", data={"csrf_token": token, "selected": [f"{ids[0]}:1"]})
    assert response.status_code == 302
    said = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không lượt nào trong số này còn chờ duyệt" in said


def test_a_supervisor_reopens_an_approved_visit_with_a_reason(app, client, auth, world, pushed):
    visit_id, token = pushed
    auth.sign_in("sup")
    page = f"/review/visits/{visit_id}"
    assert _post(client, f"{page}/approve", {"version": "1"}, page).status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert 'id="reopen"' in shown and 'for="reason"' in shown and 'id="reason"' in shown
    # no reason: refused, nothing changes, the form says why
    refused = _post(client, f"{page}/reopen", {"version": "2", "reason": "  "}, page)
    assert refused.status_code == 400
    assert "Hãy ghi lý do mở lại lượt đi cơ sở." in refused.get_data(as_text=True)
    # an old version: told, nothing changes
    stale = _post(client, f"{page}/reopen", {"version": "1", "reason": "Duyệt nhầm"}, page)
    assert stale.status_code == 302 and _visit(app, visit_id).status == "approved"
    reason = "Duyệt nhầm: ảnh của lượt khác"
    response = _post(client, f"{page}/reopen", {"version": "2", "reason": reason}, page)
    assert response.status_code == 302
    visit = _visit(app, visit_id)
    assert (visit.status, visit.version, visit.review_comment, visit.reviewed_by_id) == (
        "submitted", 3, reason, None)
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mở lại sau khi duyệt" in after and reason in after  # its history
    assert 'id="review-actions"' in after  # awaiting review again
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == visit_id, AuditEntry.action == "visit_reopen")).one()
        assert entry.actor_id == world.supervisor
        assert entry.details["changes"]["status"] == ["approved", "submitted"]
        assert entry.details["changes"]["review_comment"] == [None, reason]
        events = db.session.scalars(select(ReviewEvent.action).order_by(ReviewEvent.id)).all()
        assert events == ["approve", "reopen"]
    # the cadre's phone gets it at the next pull, and may edit it again
    [pulled] = client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()["visits"]
    assert (pulled["status"], pulled["version"]) == ("submitted", 3)
    edit = wire_visit(world.commune_a1, id=visit_id, base_version=3, participants=40)
    assert push(client, token, [edit]).get_json()["results"][0]["status"] == "updated"


def test_only_an_approved_visit_in_scope_is_reopened(app, client, auth, world, pushed):
    visit_id, _token = pushed
    page = f"/review/visits/{visit_id}"
    auth.sign_in("sup")
    assert 'id="reopen"' not in client.get(page).get_data(as_text=True)  # still awaiting review
    response = _post(client, f"{page}/reopen", {"version": "1", "reason": "Nhầm"}, page)
    assert response.status_code == 302 and _visit(app, visit_id).status == "submitted"
    assert _visit(app, visit_id).version == 1
    with app.app_context():
        from tests.factories import review_visit

        review_visit(visit_id, world.supervisor, "approved")
        db.session.commit()
    auth.sign_out()
    auth.sign_in("cadre")  # not a reviewer
    token = csrf_token(client, "/visits/new")
    assert client.post(f"{page}/reopen", data={"version": "2", "reason": "x",
                                               "csrf_token": token}).status_code == 403
    assert _visit(app, visit_id).status == "approved"


def test_bulk_never_leaves_for_another_site(app, client, auth, world):
    auth.sign_in("sup")
    token = csrf_token(client, "/review/")
    response = client.post("/review/bulk", data={"csrf_token": token, "selected": [],
                                                 "next": "https://evil.example/review/"})
    assert response.headers["Location"] == "/review/"


def test_the_visit_page_shows_every_field_the_path_and_the_history(app, client, auth, world):
    token = issue_token(client)
    visit = wire_visit(world.commune_a1, world.topic, summary="Họp chi đoàn <script>alert(1)</script>")
    push(client, token, [visit])
    push(client, token, [{**visit, "base_version": 1, "participants": 31}])
    auth.sign_in("sup")
    page = client.get(f"/review/visits/{visit['id']}").get_data(as_text=True)
    for text in ("Tỉnh đoàn Thử", "Huyện đoàn A", "Đoàn xã A1", "Cán Bộ Thử", "Chủ đề thử",
                 "Sinh hoạt đều", "Tăng cường tập huấn", "21.85000, 106.76000", "± 12 m",
                 "Cán bộ đã sửa", "phiên bản 2", "25</del> → <ins>31"):
        assert text in page, text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
