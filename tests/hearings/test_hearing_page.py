"""The hearing page as a supervisor works it: a typed conclusion survives "Add the direction" (and a
typed direction survives "Save the conclusion"), the month is a month picker checked on the server,
"Print" has no inline handler, every label is tied to its own box, and a direction's topic is shown
(page, phone, .docx)."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser

from docx import Document
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.hearings.models import Direction, Hearing, HearingCadre
from server.hearings.services import give_direction
from tests.api.support import bearer, issue_token
from tests.factories import make_hearing
from tests.helpers import csrf_token

CONTROLS = {"input", "textarea", "select", "button"}


class _Page(HTMLParser):
    """The ids, labels and controls of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.tags: dict[str, str] = {}
        self.labels: list[str | None] = []
        self.described: list[str] = []
        self.controls: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"]] += 1
            self.tags[found["id"]] = tag
        if tag == "label":
            self.labels.append(found.get("for"))
        if found.get("aria-describedby"):
            self.described.extend(found["aria-describedby"].split())
        if tag in CONTROLS:
            self.controls.append(found)


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _hearing(app, world) -> int:
    with app.app_context():
        hearing_id = make_hearing(world, date(2025, 10, 1), world.district_a)
        db.session.commit()
    return hearing_id


def _textarea(page: str, element_id: str) -> str:
    return re.search(rf'<textarea[^>]*id="{element_id}"[^>]*>([^<]*)</textarea>', page).group(1).strip()


def test_every_label_is_tied_to_its_own_box_and_every_id_is_unique(client, auth, world, october, app):
    hearing_id = _hearing(app, world)
    auth.sign_in("supa")
    token = csrf_token(client, f"/hearings/{hearing_id}")
    # a refused direction shows its errors: they too must be one per section
    refused = client.post(f"/hearings/{hearing_id}/cadres/{world.cadre}/directions", data={
        "csrf_token": token, "text": "", "due_date": ""})
    assert refused.status_code == 400
    shown = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    for html in (shown, refused.get_data(as_text=True)):
        page = _parsed(html)
        assert [name for name, count in page.ids.items() if count > 1] == []
        assert page.labels and None not in page.labels
        for target in page.labels:
            assert page.tags.get(target) in CONTROLS, f'<label for="{target}"> names no control'
        for target in page.described:
            assert target in page.ids, f'aria-describedby="{target}" names nothing'
        # one conclusion box per cadre heard, each with its own label
        conclusions = [c["id"] for c in page.controls if c.get("name") == "conclusion"]
        assert len(conclusions) >= 3 and all(box in page.labels for box in conclusions)
    errors = _parsed(refused.get_data(as_text=True))
    assert f"text-{world.cadre}-error" in errors.ids and f"due-{world.cadre}-error" in errors.ids
    assert f'aria-describedby="text-{world.cadre}-error"' in refused.get_data(as_text=True)


def test_a_typed_conclusion_is_kept_when_a_direction_is_added(client, auth, world, october, app):
    hearing_id = _hearing(app, world)
    auth.sign_in("supa")
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    # the conclusion's box belongs to the form that adds a direction: pressing either button sends both
    form_id = f"cadre-form-{world.cadre}"
    assert re.search(rf'<textarea[^>]*form="{form_id}"[^>]*id="conclusion-{world.cadre}"', page) or \
        re.search(rf'<textarea[^>]*id="conclusion-{world.cadre}"[^>]*form="{form_id}"', page)
    assert re.search(rf'<form[^>]*id="{form_id}"[^>]*action="/hearings/{hearing_id}/cadres/{world.cadre}/'
                     r'directions"', page)
    token = csrf_token(client, f"/hearings/{hearing_id}")
    url = f"/hearings/{hearing_id}/cadres/{world.cadre}"
    # a direction refused: the page comes back with the conclusion still in its box, nothing stored
    refused = client.post(f"{url}/directions", data={
        "csrf_token": token, "conclusion": "Tích cực, cần đi xã B1 nhiều hơn", "text": "",
        "due_date": "2025-12-31"})
    assert refused.status_code == 400
    assert _textarea(refused.get_data(as_text=True), f"conclusion-{world.cadre}") == \
        "Tích cực, cần đi xã B1 nhiều hơn"
    # added: the direction and the conclusion typed with it are both kept
    added = client.post(f"{url}/directions", data={
        "csrf_token": token, "conclusion": "Tích cực, cần đi xã B1 nhiều hơn",
        "text": "Khảo sát mô hình ở xã B1", "due_date": "2025-12-31"})
    assert added.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(HearingCadre.conclusion).where(
            HearingCadre.cadre_id == world.cadre)) == "Tích cực, cần đi xã B1 nhiều hơn"
        assert db.session.scalars(select(Direction.text)).all() == ["Khảo sát mô hình ở xã B1"]
    shown = client.get(added.headers["Location"]).get_data(as_text=True)
    assert _textarea(shown, f"conclusion-{world.cadre}") == "Tích cực, cần đi xã B1 nhiều hơn"
    assert "Đã lưu kết luận." in shown
    # "Save the conclusion" with a direction typed but not added: saved, the direction still typed
    saved = client.post(f"{url}/conclusion", data={
        "csrf_token": token, "conclusion": "Hoàn thành tốt", "text": "Dự sinh hoạt chi đoàn thôn",
        "due_date": "2026-01-15"})
    assert saved.status_code == 200
    assert _textarea(saved.get_data(as_text=True), f"text-{world.cadre}") == "Dự sinh hoạt chi đoàn thôn"
    assert 'value="2026-01-15"' in saved.get_data(as_text=True)
    assert "chưa được thêm" in saved.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HearingCadre.conclusion).where(
            HearingCadre.cadre_id == world.cadre)) == "Hoàn thành tốt"
        assert len(db.session.scalars(select(Direction)).all()) == 1


def test_the_month_is_a_month_picker_checked_on_the_server(client, auth, world, october, app):
    auth.sign_in("supa")
    page = client.get("/hearings/").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="month"[^>]*>', page).group(0)
    assert 'type="month"' in box and f'max="{date.today():%Y-%m}"' in box
    token = csrf_token(client, "/hearings/")
    base = {"csrf_token": token, "unit_id": world.district_a, "held_on": "2025-11-05", "chair": "Chủ Trì"}
    future = date.today().year + 1
    for month, message in (("2025-13", "Hãy nhập tháng theo dạng năm-tháng, ví dụ 2025-10"),
                           ("10/2025", "Hãy nhập tháng theo dạng năm-tháng"),
                           ("", "Hãy chọn tháng báo cáo."),
                           (f"{future}-01", "Tháng không được ở tương lai."),
                           ("1999-12", "Tháng này quá xa về trước.")):
        response = client.post("/hearings/", data={**base, "month": month})
        assert response.status_code == 400, month
        html = response.get_data(as_text=True)
        assert message in html, month
        # the message is the month box's own: tied to it, the box marked invalid
        assert re.search(r'<input[^>]*aria-describedby="month-error"[^>]*>', html), month
    with app.app_context():
        assert db.session.scalars(select(Hearing)).all() == []
    assert client.post("/hearings/", data={**base, "month": "2025-10"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Hearing.month)) == date(2025, 10, 1)


def test_print_has_no_inline_handler(client, auth, world, october, app):
    hearing_id = _hearing(app, world)
    auth.sign_in("supa")
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert not re.search(r"\son[a-z]+=", page)  # the CSP runs no inline handler
    assert "data-print" in page and 'data-view="hearing"' in page  # pwa/js/views/hearing.js binds it
    assert 'href="/static/v/' in page and "css/print.css" in page


def test_a_direction_shows_its_topic_on_the_page_the_phone_and_the_report(client, auth, world, october, app):
    hearing_id = _hearing(app, world)
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        direction_id = give_direction(hearing, cadre, sup, text="Khảo sát mô hình kinh tế",
                                      due_date=date.today().replace(year=date.today().year + 1),
                                      unit_id=world.commune_b1, topic_id=world.topic).id
        db.session.commit()
    token = issue_token(client)
    auth.sign_in("supa")
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    item = page.split(f'data-direction="{direction_id}"', 1)[1].split("</li>", 1)[0]
    assert f'data-topic="{world.topic}"' in item and "Chủ đề: Chủ đề thử" in item
    report = Document(io.BytesIO(client.get(f"/hearings/{hearing_id}/report.docx").data))
    # this hearing's directions: the topic has its own column
    table = next(t for t in report.tables
                 if [c.text for c in t.rows[0].cells][:3] == ["TT", "Nội dung", "Chủ đề"])
    assert [c.text for c in table.rows[0].cells] == ["TT", "Nội dung", "Chủ đề", "Đơn vị", "Thời hạn"]
    assert [c.text for c in table.rows[1].cells][1:4] == ["Khảo sát mô hình kinh tế", "Chủ đề thử",
                                                          "Đoàn xã B1"]
    # the phone: the direction's wire carries the topic's name, in bootstrap and in a pull
    boot = client.get("/api/v1/bootstrap", headers=bearer(token)).get_json()
    [wired] = boot["directions"]
    assert (wired["topic_id"], wired["topic_name"]) == (world.topic, "Chủ đề thử")
    [pulled] = client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()["directions"]
    assert pulled["topic_name"] == "Chủ đề thử"
    # and the cadre's own page of directions, without JavaScript
    auth.sign_out()
    auth.sign_in("cadre")
    assert "Chủ đề: Chủ đề thử" in client.get("/hearings/mine").get_data(as_text=True)
