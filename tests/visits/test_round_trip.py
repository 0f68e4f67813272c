"""Every field of a visit survives every path it travels: API push → pull, and API push → the
no-JavaScript edit form → save → pull. (The PWA path, form → outbox → push, is a browser test:
tests/browser/test_round_trip.py.) Adding a field to ``VisitContent`` without carrying it along a
path makes these tests fail."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from server.extensions import db
from server.planning.models import Placement
from server.visits.models import Topic
from server.visits.wire import CONTENT_FIELDS
from tests.api.support import bearer, issue_token, push
from tests.factories import open_directions


@pytest.fixture
def full_visit(app, world) -> dict:
    """A visit with every content field set to something other than its default."""
    start = date.today() - timedelta(days=9)
    with app.app_context():
        second = Topic(name_vi="Chủ đề hai", name_en="Second topic")
        placement = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=start,
                              end_date=start + timedelta(days=6),
                              tasks=["Học việc", "Dự sinh hoạt chi đoàn", "Viết thu hoạch"])
        db.session.add_all([second, placement])
        db.session.flush()
        directions = open_directions(world, count=2)
        db.session.commit()
        topics, placement_id = sorted([world.topic, second.id]), placement.id
    content = {
        "unit_id": world.commune_a1, "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=2)).isoformat(), "form": "inspection", "topics": topics,
        "summary": "Kiểm tra <b>sổ sách</b> & \"hồ sơ\"", "findings": "Thiếu biên bản\nhọp chi đoàn",
        "recommendations": "Bổ sung trước 30/11", "participants": 37, "placement_id": placement_id,
        "placement_tasks": ["Dự sinh hoạt chi đoàn", "Học việc"],
        "location": {"lat": 21.8537, "lon": 106.7615, "accuracy_m": 14.0}, "directions": directions,
    }
    assert set(content) == set(CONTENT_FIELDS), "a new visit field needs a value here"
    return content


def _pulled(client, token: str, visit_id: str) -> dict:
    visits = client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()["visits"]
    [visit] = [v for v in visits if v["id"] == visit_id]
    return visit


def _content(wire: dict) -> dict:
    return {name: wire[name] for name in CONTENT_FIELDS}


def test_every_field_goes_through_push_and_pull(client, world, full_visit):
    token = issue_token(client)
    visit_id = str(uuid.uuid4())
    response = push(client, token, [{"id": visit_id, "base_version": None, **full_visit}])
    assert response.get_json()["results"][0]["status"] == "created"
    assert _content(_pulled(client, token, visit_id)) == full_visit


class _FormValues(HTMLParser):
    """What a browser without JavaScript submits for the form with this id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.values.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values.append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
            name, text = self.values[-1]
            # as a browser parses <textarea> (one leading newline dropped) and submits it (CRLF)
            text = text.replace("\r\n", "\n").removeprefix("\n")
            self.values[-1] = (name, text.replace("\n", "\r\n"))
        elif tag == "form":
            self.inside = False


def test_every_field_survives_the_no_javascript_edit_form(client, auth, world, full_visit):
    token = issue_token(client)
    visit_id = str(uuid.uuid4())
    push(client, token, [{"id": visit_id, "base_version": None, **full_visit}])
    auth.sign_in("cadre")
    page = client.get(f"/visits/new?edit={visit_id}")
    parser = _FormValues("visit-form")
    parser.feed(page.get_data(as_text=True))
    values = [(k, "Đã sửa trên web" if k == "summary" else v) for k, v in parser.values]
    response = client.post(f"/visits/new?edit={visit_id}", data=_multidict(values))
    assert response.status_code == 302, response.get_data(as_text=True)
    pulled = _pulled(client, token, visit_id)
    assert pulled["version"] == 2
    assert _content(pulled) == {**full_visit, "summary": "Đã sửa trên web"}


def _multidict(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)
