"""Assignments, placements, plans with exemptions, topics and device tokens from the admin pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, User
from server.extensions import db
from server.planning.models import Assignment, Placement, Plan, PlanExemption
from server.regime.coverage import obligation_for
from server.time import today
from server.visits.models import Topic


def minimum_days_for(user, year):
    found = obligation_for(user, year)
    return found.minimum if found else None


def _actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.entity_type) for e in entries]


def test_assign_many_units_at_once_under_one_notice(app, client, auth, admin, post, world):
    response = post("/admin/assignments", data={
        "cadre_id": str(world.other_cadre), "unit_ids": [str(world.commune_a1), str(world.commune_b1)],
        "start_date": "2021-08-02", "notice_number": "273-TB/TĐTN-TCKT", "notice_date": "2021-08-02"})
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Assignment).where(Assignment.cadre_id == world.other_cadre)).all()
        assert {a.unit_id for a in rows} == {world.commune_a1, world.commune_b1}
        assert {a.notice_number for a in rows} == {"273-TB/TĐTN-TCKT"}
    assert ("assign", "user") in _actions(app)
    assert "273-TB/TĐTN-TCKT" in admin.get("/admin/assignments?q=273").get_data(as_text=True)
    # the cadre's phone gets the assigned units first
    auth.sign_out()
    auth.sign_in("cadre2")
    units = client.get("/api/v1/bootstrap").get_json()["units"]
    assert units[0]["assigned"] and units[0]["id"] in (world.commune_a1, world.commune_b1)
    assert world.commune_b1 in {u["id"] for u in units}


def test_an_assignment_needs_units_and_a_sane_period(app, admin, post, world):
    base = {"cadre_id": str(world.other_cadre), "start_date": "2021-08-02"}
    response = post("/admin/assignments", data=base)
    assert response.status_code == 400
    response = post("/admin/assignments",
                    data={**base, "end_date": "2021-01-01", "unit_ids": [str(world.commune_a1)]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1  # the world's own


def test_end_an_assignment(app, admin, post, world):
    with app.app_context():
        assignment_id = db.session.scalar(select(Assignment.id))
    post("/admin/assignments", f"/admin/assignments/{assignment_id}/end")
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).end_date == today()


def test_a_placement_lasts_a_week_by_default_and_reaches_the_phone(app, client, auth, admin, post, world):
    with app.app_context():
        db.session.get(User, world.other_cadre).is_probationary = True
        db.session.commit()
    response = post("/admin/placements", data={
        "cadre_id": str(world.other_cadre), "unit_id": str(world.commune_b1), "start_date": "2026-03-02",
        "topic_ids": [str(world.topic)], "tasks": "Dự sinh hoạt chi đoàn\n\nViết báo cáo",
        "mentor_name": "Bí thư xã"})
    assert response.status_code == 302
    with app.app_context():
        placement = db.session.scalar(select(Placement))
        assert placement.end_date == date(2026, 3, 2) + timedelta(days=6)
        assert placement.tasks == ["Chủ đề thử", "Dự sinh hoạt chi đoàn", "Viết báo cáo"]
    auth.sign_out()
    auth.sign_in("cadre2")
    placements = client.get("/api/v1/bootstrap").get_json()["placements"]
    assert placements[0]["mentor_name"] == "Bí thư xã"


def test_placements_are_for_probationary_cadres_only(app, admin, post, world):
    response = post("/admin/placements", data={"cadre_id": str(world.cadre), "unit_id": str(world.commune_b1),
                                               "start_date": "2026-03-02"})
    assert response.status_code == 400


def test_plan_with_coverage_and_exemptions(app, admin, post, world):
    response = post("/admin/plans", data={"year": "2026", "title": "Kế hoạch cán bộ đi cơ sở",
                                          "document_number": "296-KH/TĐTN-TCKT",
                                          "document_date": "2026-04-29",
                                          "minimum_days": "60", "covered_unit_id": str(world.district_a)})
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        assert minimum_days_for(cadre, 2026) == 60
        assert minimum_days_for(sup, 2026) is None  # at the province: not covered by this plan
        plan_id = plan.id
    response = post(f"/admin/plans/{plan_id}", f"/admin/plans/{plan_id}/exemptions", data={
        "x-cadre_id": str(world.cadre), "x-reason": "Nghỉ thai sản", "x-minimum_days": "30",
        "x-start_date": "2026-01-01", "x-end_date": "2026-06-30"})
    assert response.status_code == 302
    with app.app_context():
        assert minimum_days_for(db.session.get(User, world.cadre), 2026) == 30
        exemption = db.session.scalar(select(PlanExemption))
        assert exemption.end_date == date(2026, 6, 30)
        exemption_id = exemption.id
    # a second exemption for the same cadre is refused, not a 500
    response = post(f"/admin/plans/{plan_id}", f"/admin/plans/{plan_id}/exemptions", data={
        "x-cadre_id": str(world.cadre), "x-reason": "Đi học"})
    assert response.status_code == 400
    post(f"/admin/plans/{plan_id}", f"/admin/plans/{plan_id}/exemptions/{exemption_id}/remove")
    with app.app_context():
        assert minimum_days_for(db.session.get(User, world.cadre), 2026) == 60
    assert {("create", "plan"), ("exempt", "plan"), ("unexempt", "plan")} <= set(_actions(app))


def test_one_plan_per_year(app, admin, post, world):
    data = {"year": "2026", "title": "Kế hoạch", "minimum_days": "60"}
    assert post("/admin/plans", data=data).status_code == 302
    assert post("/admin/plans", data=data).status_code == 400


def test_topics_add_order_retire(app, admin, post, world):
    response = post("/admin/topics", data={"name_vi": "Mô hình kinh tế thanh niên",
                                           "name_en": "Youth economic models", "position": "1"})
    assert response.status_code == 302
    assert post("/admin/topics", data={"name_vi": "Chủ đề thử", "name_en": "Dup"}).status_code == 400
    post("/admin/topics", f"/admin/topics/{world.topic}/active")
    with app.app_context():
        assert not db.session.get(Topic, world.topic).active
        assert db.session.scalar(select(func.count()).select_from(Topic)) == 2
    response = post(f"/admin/topics/{world.topic}", data={"name_vi": "Chủ đề thử", "name_en": "Renamed",
                                                          "position": "5"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Topic, world.topic).name_en == "Renamed"
    assert ("retire", "topic") in _actions(app)


def test_device_tokens_list_and_revoke(app, admin, post, world):
    from server.tokens.services import issue_token

    with app.app_context():
        cadre = db.session.get(User, world.cadre)
        first, _s1 = issue_token(cadre, "Điện thoại cũ", 30)
        issue_token(cadre, "Máy tính bảng", 30)
        issue_token(db.session.get(User, world.other_cadre), "Điện thoại khác", 30)
        db.session.commit()
        first_id = first.id
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert "Điện thoại cũ" in page and "Điện thoại khác" in page
    page = admin.get("/admin/tokens?user=cadre").get_data(as_text=True)
    assert "Điện thoại khác" not in page
    post("/admin/tokens", f"/admin/tokens/{first_id}/revoke")
    with app.app_context():
        assert db.session.get(DeviceToken, first_id).revoked_at is not None
    post("/admin/tokens", f"/admin/users/{world.cadre}/tokens/revoke")
    with app.app_context():
        live = db.session.scalars(select(DeviceToken.name).where(DeviceToken.revoked_at.is_(None))).all()
        assert live == ["Điện thoại khác"]
    assert ("revoke_all", "user") in _actions(app)


def test_the_admins_topic_order_reaches_the_phone(app, client, auth, world):
    with app.app_context():
        db.session.add_all([Topic(name_vi="A đầu bảng chữ cái", name_en="A first", position=9),
                            Topic(name_vi="Z cuối bảng chữ cái", name_en="Z last", position=1)])
        db.session.commit()
    auth.sign_in("cadre")
    names = [t["name"] for t in client.get("/api/v1/bootstrap").get_json()["topics"]]
    assert names == ["Chủ đề thử", "Z cuối bảng chữ cái", "A đầu bảng chữ cái"]
