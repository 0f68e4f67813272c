"""The placement page without JavaScript: the closing report written, refused with reasons, and
the tasks the cadre's visits covered; the same push rules as the phone's sync."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.planning.models import PlacementReport
from server.time import today
from tests.factories import make_visit
from tests.helpers import csrf_token
from tests.placements.conftest import TASKS


def _form(page: str, placement_id: int) -> str:
    return page.split(f'id="report-form-{placement_id}"')[1].split("</form>")[0]


def _hidden(form: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', form).group(1)


def test_the_cadre_writes_then_edits_the_closing_report(client, auth, app, placements):
    auth.sign_in("tapsu")
    page = client.get("/visits/placement").get_data(as_text=True)
    assert "Báo cáo kết thúc đợt tập sự" in page
    token = csrf_token(client, "/visits/placement")
    url = f"/visits/placement/{placements.current}/report"
    response = client.post(url, data={"csrf_token": token, "id": "", "base_version": "",
                                      "text": "Học được cách tổ chức sinh hoạt."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#placement-{placements.current}")
    page = client.get("/visits/placement").get_data(as_text=True)
    assert "Đã lưu báo cáo kết thúc đợt." in page
    form = _form(page, placements.current)
    assert "Học được cách tổ chức sinh hoạt." in form and _hidden(form, "base_version") == "1"
    report_id = _hidden(form, "id")
    edit = {"csrf_token": token, "id": report_id, "base_version": "1", "text": "Bản sửa"}
    assert client.post(url, data=edit).status_code == 302
    # the same page left open elsewhere, sent again with the old version: refused, text kept
    stale = client.post(url, data={**edit, "text": "Bản cũ"})
    assert stale.status_code == 400
    body = stale.get_data(as_text=True)
    assert "đã được sửa ở nơi khác" in body and "Bản cũ" in _form(body, placements.current)
    with app.app_context():
        report = db.session.scalar(select(PlacementReport))
        assert (str(report.id), report.text, report.version) == (report_id, "Bản sửa", 2)
        assert report.device_id == "web"


def test_refusals_of_the_page(client, auth, app, placements):
    auth.sign_in("tapsu")
    token = csrf_token(client, "/visits/placement")

    def post(placement_id: int, text: str):
        data = {"csrf_token": token, "text": text}
        return client.post(f"/visits/placement/{placement_id}/report", data=data)

    blank = post(placements.current, " ")
    assert blank.status_code == 400 and "Vui lòng viết báo cáo kết thúc đợt." in blank.get_data(as_text=True)
    late = post(placements.ended, "Muộn")
    assert late.status_code == 400 and "Đã hết hạn sửa báo cáo kết thúc đợt." in late.get_data(as_text=True)
    # someone else's placement: not found, as if it did not exist
    assert post(placements.theirs, "x").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(PlacementReport)).all() == []


def test_the_page_shows_the_window_and_the_tasks_covered(client, auth, app, world, placements):
    with app.app_context():
        make_visit(placements.tapsu, world.commune_a1, start=today() - timedelta(days=3),
                   placement_id=placements.current, placement_tasks=[TASKS[1]])
        db.session.add(PlacementReport(id=uuid.uuid4(), placement_id=placements.ended,
                                       text="Đã viết từ trước"))
        db.session.commit()
    auth.sign_in("tapsu")
    page = client.get("/visits/placement").get_data(as_text=True)
    current = page.split(f'id="placement-{placements.current}"')[1].split("</section>")[0]
    covered = re.findall(r'<li data-task="([^"]*)" data-covered>', current)
    assert covered == [TASKS[1]]
    until = (today() - timedelta(days=4) + timedelta(days=36)).strftime("%d/%m/%Y")
    assert f"Có thể sửa đến hết ngày {until}" in current
    ended = page.split(f'id="placement-{placements.ended}"')[1].split("</section>")[0]
    assert "Đã viết từ trước" in ended and "readonly" in _form(ended, placements.ended)
    coming = page.split(f'id="placement-{placements.coming}"')[1].split("</section>")[0]
    assert re.search(rf'id="report-form-{placements.coming}"[^>]*hidden', coming)
    assert "Có thể viết báo cáo kết thúc đợt từ ngày" in coming
