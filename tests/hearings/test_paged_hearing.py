"""A hearing of any size: each page holds PAGE_SIZE of the cadres heard (their summary rows and
sections), numbered on from the page before; a saved conclusion or direction comes back to its
cadre's page; and a page asks the database the same number of questions however many cadres it holds.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from server.auth.models import Role, User
from server.auth.services import create_user
from server.extensions import db
from server.hearings import services
from server.hearings.models import Hearing
from server.planning.models import Assignment
from server.units.models import Unit
from tests.factories import PASSWORD, make_hearing, make_visit
from tests.helpers import counting, csrf_token


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)


def _hearing(app, world) -> int:
    with app.app_context():
        hearing_id = make_hearing(world, date(2025, 10, 1), world.district_a)
        db.session.commit()
    return hearing_id


def _sections(html: str) -> list[str]:
    return re.findall(r'<section class="card cadre" id="cadre-(\d+)"', html)


def _numbers(html: str) -> list[str]:
    return re.findall(r"<h2>(\d+)\. ", html)


def test_the_cadres_heard_are_spread_over_pages(client, auth, world, october, app, two_a_page):
    hearing_id = _hearing(app, world)
    auth.sign_in("supa")
    first = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    second = client.get(f"/hearings/{hearing_id}?page=2").get_data(as_text=True)
    heard = {str(world.cadre), str(world.other_cadre), str(october.cadre4)}
    assert len(_sections(first)) == 2 and len(_sections(second)) == 1
    assert set(_sections(first)) | set(_sections(second)) == heard
    # the summary rows are of the page's cadres, and the numbering goes on
    assert set(re.findall(r'<tr data-cadre="(\d+)"', second)) == set(_sections(second))
    assert (_numbers(first), _numbers(second)) == (["1", "2"], ["3"])
    assert 'data-heard="3"' in first and "?page=2" in first and 'rel="prev"' in second
    # the exempt cadre is listed once, under the first page's summary
    assert "Đi học dài hạn" in first and "Đi học dài hạn" not in second
    assert client.get(f"/hearings/{hearing_id}?page=3").status_code == 404
    assert client.get(f"/hearings/{hearing_id}?page=0").status_code == 404


def test_a_small_hearing_is_one_page_without_a_pager(client, auth, world, october, app):
    hearing_id = _hearing(app, world)
    auth.sign_in("supa")
    html = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert len(_sections(html)) == 3
    assert 'rel="next"' not in html and "data-heard" not in html


def test_a_saved_conclusion_comes_back_to_its_cadres_page(client, auth, world, october, app, two_a_page):
    hearing_id = _hearing(app, world)
    auth.sign_in("supa")
    second = client.get(f"/hearings/{hearing_id}?page=2").get_data(as_text=True)
    (last,) = _sections(second)
    token = csrf_token(client, f"/hearings/{hearing_id}?page=2")
    saved = client.post(f"/hearings/{hearing_id}/cadres/{last}/conclusion",
                        data={"csrf_token": token, "conclusion": "Cần đi cơ sở nhiều hơn"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/hearings/{hearing_id}?page=2#cadre-{last}")
    # a refused direction shows its page again, with what was typed and the error
    refused = client.post(f"/hearings/{hearing_id}/cadres/{last}/directions",
                          data={"csrf_token": token, "text": "Thăm xã A1", "due_date": "not a date"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert _sections(html) == [last] and "Thăm xã A1" in html


def _statements(app, client, url: str) -> int:
    with counting(app) as statements:
        assert client.get(url).status_code == 200
        return statements()


def test_a_page_asks_as_many_questions_for_four_cadres_as_for_one(client, auth, world, october, app,
                                                                   monkeypatch):
    with app.app_context():
        district_a = db.session.get(Unit, world.district_a)
        for n in range(5):  # 8 cadres heard in all, each with a visit, an assignment and a direction
            cadre = create_user(f"them{n}", f"Cán Bộ Thêm {n}", PASSWORD, district_a, Role.CADRE)
            db.session.add(Assignment(cadre_id=cadre.id, unit_id=world.commune_a1,
                                      start_date=date(2025, 1, 1)))
            make_visit(cadre.id, world.commune_a1, date(2025, 10, 2 + n), days=2)
        db.session.commit()
    hearing_id = _hearing(app, world)
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        for row in services.hearing_rows(hearing)[0]:
            services.give_direction(hearing, row.cadre, db.session.get(User, world.supervisor),
                                    text="Thăm xã", due_date=date(2025, 11, 30), unit_id=None, topic_id=None)
        db.session.commit()
    auth.sign_in("supa")
    client.get(f"/hearings/{hearing_id}")  # warm: the session's user, the catalogs
    monkeypatch.setattr(services, "PAGE_SIZE", 4)
    four = _statements(app, client, f"/hearings/{hearing_id}?page=2")
    monkeypatch.setattr(services, "PAGE_SIZE", 7)
    one = _statements(app, client, f"/hearings/{hearing_id}?page=2")
    assert four == one
