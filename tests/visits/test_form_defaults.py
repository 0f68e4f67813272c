"""The visit form's defaults and its second look at doubtful dates, without JavaScript (the phone's
form does the same from the bootstrap: tests/browser/test_visit_form_defaults.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.planning.models import Plan
from server.time import today
from server.units.names import vietnamese_order
from server.visits import rules
from server.visits.models import Visit
from tests.factories import make_visit
from tests.visits.test_pages import _form, _post


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    assert match, name
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def _visits(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Visit))


def test_a_new_visit_starts_today_with_nobody_counted_yet(client, auth, world):
    auth.sign_in("cadre")
    page = client.get("/visits/new").get_data(as_text=True)
    assert _value(page, "start_date") == _value(page, "end_date") == today().isoformat()
    assert _value(page, "participants") in (None, "")  # empty, not a 0 nobody typed
    assert 'name="confirm_date"' not in page  # asked only when a date looks doubtful


def test_an_empty_count_is_saved_as_zero_people(app, client, auth, world):
    auth.sign_in("cadre")
    assert _post(client, _form(world, participants="")).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Visit.participants)) == 0


def test_a_visit_over_a_year_old_asks_to_confirm_then_saves(app, client, auth, world):
    auth.sign_in("cadre")
    old = (today() - timedelta(days=rules.CONFIRM_OLDER_THAN_DAYS + 5)).isoformat()
    response = _post(client, _form(world, start_date=old, end_date=old))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and _visits(app) == 0
    assert "Lượt này bắt đầu từ hơn một năm trước" in page and 'name="confirm_date"' in page
    assert _value(page, "start_date") == old  # nothing typed is lost
    assert _post(client, _form(world, start_date=old, end_date=old, confirm_date="y")).status_code == 302
    assert _visits(app) == 1


def test_a_year_without_a_plan_asks_when_other_years_have_one(app, client, auth, world):
    auth.sign_in("cadre")
    recent = (today() - timedelta(days=1)).isoformat()
    # no plan at all: nothing to ask about
    assert _post(client, _form(world, start_date=recent, end_date=recent)).status_code == 302
    with app.app_context():
        db.session.add(Plan(year=today().year + 1, title="Kế hoạch năm sau", minimum_days=30))
        db.session.commit()
    response = _post(client, _form(world, start_date=recent, end_date=recent, summary="Lần hai"))
    assert response.status_code == 400
    assert f"Năm {date.fromisoformat(recent).year} chưa có kế hoạch" in response.get_data(as_text=True)
    with app.app_context():
        db.session.add(Plan(year=date.fromisoformat(recent).year, title="Kế hoạch", minimum_days=30))
        db.session.commit()
    third = _form(world, start_date=recent, end_date=recent, summary="Lần ba")
    assert _post(client, third).status_code == 302


def test_editing_an_old_visit_does_not_ask_again_about_its_date(app, client, auth, world):
    old = today() - timedelta(days=400)
    with app.app_context():
        visit_id = make_visit(world.cadre, world.commune_a1, old).id
        db.session.commit()
    auth.sign_in("cadre")
    data = _form(world, start_date=old.isoformat(), end_date=old.isoformat(), summary="Bổ sung",
                 id=visit_id, base_version="1")
    response = _post(client, data, path=f"/visits/new?edit={visit_id}")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_vietnamese_alphabetical_order():
    names = ["Yên Bình", "Huyện đoàn A", "Đoàn xã B", "Dương Kinh", "Ân Thi", "An Lạc", "Ăn Lâu",
             "Ơn", "Ôn", "Ổ"]
    assert sorted(names, key=vietnamese_order) == [
        "An Lạc", "Ăn Lâu", "Ân Thi", "Dương Kinh", "Đoàn xã B", "Huyện đoàn A", "Ổ", "Ôn", "Ơn", "Yên Bình"]
