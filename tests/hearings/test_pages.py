"""The hearing pages: a cadre's month, opening a hearing, conclusions and directions, and scope
(a supervisor sees their subtree; outside it, 404; cadres cannot hold hearings: 403)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.hearings.models import Direction, Hearing, HearingCadre
from tests.factories import make_hearing
from tests.helpers import csrf_token


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page).group(1)


def test_the_cadre_sees_their_month(client, auth, world, october):
    auth.sign_in("cadre")
    page = client.get(f"/hearings/month/{world.cadre}/2025-10").get_data(as_text=True)
    assert (_figure(page, "days"), _figure(page, "visits"), _figure(page, "late")) == ("3", "2", "0")
    assert "Đoàn xã B1" in page


def test_my_month_is_one_address_for_every_month(client, auth, world, october):
    auth.sign_in("cadre")
    page = client.get("/hearings/my-month?month=2025-10").get_data(as_text=True)
    assert (_figure(page, "days"), _figure(page, "visits")) == ("3", "2")  # as the hearing's page
    assert 'data-view="my-month"' in page  # the phone redraws it from its own data
    for month in ("2025-09", "2025-11"):
        assert f'href="/hearings/my-month?month={month}"' in page
    assert client.get("/hearings/my-month").status_code == 200  # this month
    for bad in ("2025-13", "not-a-month", f"{date.today().year + 1}-01"):
        assert client.get(f"/hearings/my-month?month={bad}").status_code == 404, bad


def test_a_supervisor_sees_months_in_scope_only(client, auth, world, october, app):
    from server.auth.models import Role
    from server.auth.services import create_user
    from server.units.models import Unit
    from tests.factories import PASSWORD

    with app.app_context():
        outsider = create_user("cadreb", "Cán Bộ Huyện B", PASSWORD, db.session.get(Unit, world.district_b),
                               Role.CADRE).id
        db.session.commit()
    auth.sign_in("supa")
    assert client.get(f"/hearings/month/{world.cadre}/2025-10").status_code == 200
    assert client.get(f"/hearings/month/{outsider}/2025-10").status_code == 404
    auth.sign_out()
    auth.sign_in("cadre2")
    assert client.get(f"/hearings/month/{world.cadre}/2025-10").status_code == 404
    assert client.get("/hearings/").status_code == 403
    assert client.get("/hearings/month/99999/2025-10").status_code == 404
    assert client.get(f"/hearings/month/{world.other_cadre}/2025-13").status_code == 404


def test_open_a_hearing_conclude_and_direct(client, auth, world, october, app):
    auth.sign_in("supa")
    token = csrf_token(client, "/hearings/")
    response = client.post("/hearings/", data={
        "csrf_token": token, "unit_id": world.district_a, "month": "2025-10", "held_on": "2025-11-05",
        "chair": "Nguyễn Văn Chủ Trì", "document_number": "12-BC/HĐTN"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        hearing_id = db.session.scalar(select(Hearing.id))
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert 'data-flag="no-visit"' in page and 'data-flag="behind"' in page and 'data-flag="neglected"' in page
    assert "Cán Bộ Miễn (Đi học dài hạn)" in page
    token = csrf_token(client, f"/hearings/{hearing_id}")
    assert client.post(f"/hearings/{hearing_id}/cadres/{world.cadre}/conclusion", data={
        "csrf_token": token, "conclusion": "Hoàn thành <tốt> nhiệm vụ"}).status_code == 302
    assert client.post(f"/hearings/{hearing_id}/cadres/{world.cadre}/directions", data={
        "csrf_token": token, "text": "Nắm tình hình đoàn viên xã B1", "unit_id": world.commune_b1,
        "topic_id": world.topic, "due_date": "2025-12-31"}).status_code == 302
    # a unit the cadre cannot visit, and no text: the form says why, nothing is stored
    bad = client.post(f"/hearings/{hearing_id}/cadres/{world.cadre}/directions", data={
        "csrf_token": token, "text": "", "unit_id": 99999, "due_date": "2025-12-31"})
    assert bad.status_code == 400
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert "Hoàn thành &lt;tốt&gt; nhiệm vụ" in page and "Nắm tình hình đoàn viên xã B1" in page
    with app.app_context():
        [direction] = db.session.scalars(select(Direction)).all()
        assert (direction.cadre_id, direction.unit_id, direction.topic_id, direction.due_date) == (
            world.cadre, world.commune_b1, world.topic, date(2025, 12, 31))
        assert (direction.state, direction.version) == ("open", 1)
        assert db.session.scalar(select(HearingCadre.conclusion)) == "Hoàn thành <tốt> nhiệm vụ"
        actions = set(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(["hearing_opened", "hearing_conclusion", "direction_created"]))))
        assert actions == {"hearing_opened", "hearing_conclusion", "direction_created"}


def test_hearings_outside_scope_answer_404(client, auth, world, october, app):
    with app.app_context():
        hearing_b = make_hearing(world, date(2025, 10, 1), world.district_b)
        db.session.commit()
    auth.sign_in("supa")
    assert client.get(f"/hearings/{hearing_b}").status_code == 404
    assert client.get(f"/hearings/{hearing_b}/report.docx").status_code == 404
    token = csrf_token(client, "/hearings/")
    assert client.post(f"/hearings/{hearing_b}/cadres/{world.cadre}/directions", data={
        "csrf_token": token, "text": "x", "due_date": "2025-12-31"}).status_code == 404
    # a unit outside one's subtree cannot be chosen to open a hearing
    assert client.post("/hearings/", data={"csrf_token": token, "unit_id": world.district_b,
                                           "month": "2025-10", "held_on": "2025-11-05",
                                           "chair": "X"}).status_code == 400
    assert "Huyện đoàn B" not in client.get("/hearings/").get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get("/hearings/").status_code == 302
    assert client.get(f"/hearings/month/{world.cadre}/2025-10").status_code == 302


def test_the_cadre_writes_the_account_and_closes_a_direction_without_javascript(client, auth, world, app):
    from tests.factories import open_directions

    with app.app_context():
        [direction_id] = open_directions(world)
        db.session.commit()
    auth.sign_in("cadre")
    month = date.today().strftime("%Y-%m")
    token = csrf_token(client, f"/hearings/account?month={month}")
    saved = client.post(f"/hearings/account?month={month}", data={
        "csrf_token": token, "id": "", "base_version": "", "went_well": "Đi đủ 3 xã",
        "difficulties": "", "proposals": "Tập huấn"})
    assert saved.status_code == 302
    page = client.get(f"/hearings/account?month={month}").get_data(as_text=True)
    assert "Đi đủ 3 xã" in page and 'name="base_version" type="hidden" value="1"' in page
    # the month's page shows it to the cadre
    assert "Tập huấn" in client.get(f"/hearings/month/{world.cadre}/{month}").get_data(as_text=True)
    token = csrf_token(client, "/hearings/mine")
    assert client.post(f"/hearings/directions/{direction_id}/done", data={
        "csrf_token": token, "base_version": "1", "note": "Đã làm"}).status_code == 302
    with app.app_context():
        direction = db.session.get(Direction, direction_id)
        assert (direction.state, direction.done_note, direction.version) == ("done", "Đã làm", 2)
    # another cadre's direction is not found
    auth.sign_out()
    auth.sign_in("cadre2")
    token = csrf_token(client, "/hearings/mine")
    assert client.post(f"/hearings/directions/{direction_id}/done", data={
        "csrf_token": token, "base_version": "2", "note": "x"}).status_code == 404


def test_the_next_hearing_shows_each_direction_its_state_and_the_visits_that_addressed_it(
        client, auth, world, october, app):
    from server.auth.models import User
    from server.hearings.services import give_direction
    from tests.factories import make_visit

    with app.app_context():
        september = db.session.get(Hearing, make_hearing(world, date(2025, 9, 1), world.district_a))
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        carried = give_direction(september, cadre, sup, text="Đến xã A2 dự sinh hoạt",
                                 due_date=date(2030, 1, 1), unit_id=None, topic_id=None).id
        overdue = give_direction(september, cadre, sup, text="Nộp báo cáo quý",
                                 due_date=date(2025, 10, 15), unit_id=None, topic_id=None).id
        make_visit(world.cadre, world.commune_a2, date(2025, 10, 20), directions=(carried,))
        october_hearing = make_hearing(world, date(2025, 10, 1), world.district_a)
        db.session.commit()
    auth.sign_in("supa")
    page = client.get(f"/hearings/{october_hearing}").get_data(as_text=True)
    item = page.split(f'data-direction="{carried}"', 1)[1].split("</li>", 1)[0]
    assert "20/10/2025 Đoàn xã A2" in item  # the visit that carried it out
    late = page.split(f'data-direction="{overdue}"', 1)[0].rsplit("<li", 1)[1]
    assert "overdue" in late


def test_a_direction_reworded_reaches_the_phone_and_a_stale_done_conflicts(client, auth, world, app):
    import uuid

    from tests.api.support import bearer, issue_token

    with app.app_context():
        hearing = make_hearing(world, unit_id=world.district_a)
        from tests.factories import open_directions

        [direction_id] = open_directions(world, hearing_id=hearing)
        db.session.commit()
    token = issue_token(client)
    auth.sign_in("supa")
    csrf = csrf_token(client, f"/hearings/{hearing}")
    assert client.post(f"/hearings/{hearing}/directions/{direction_id}", data={
        "csrf_token": csrf, "text": "Khảo sát 3 mô hình", "due_date": "2030-01-31"}).status_code == 302
    pulled = client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()["directions"]
    got = [(d["text"], d["version"], d["due_date"]) for d in pulled]
    assert got == [("Khảo sát 3 mô hình", 2, "2030-01-31")]
    stale = client.post("/api/v1/sync/push", headers=bearer(token), json={
        "device_id": "d", "visits": [], "directions_done": [
            {"id": str(uuid.uuid4()), "direction_id": direction_id, "base_version": 1, "note": "Xong"}]})
    assert stale.get_json()["directions_done"][0]["status"] == "conflict"
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "direction_updated"))
