"""The admin's home is the province's set-up checklist: units → users → assignments → plan →
topics, each step done or to do, with what there is, each linking to its page."""

from __future__ import annotations

import re

import pytest

from server.admin.setup_steps import setup_steps
from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Plan
from server.time import today
from server.units.models import Unit, UnitKind
from server.units.services import create_unit
from tests.factories import PASSWORD, with_two_factor

ORDER = ["units", "users", "assignments", "plan", "topics"]


def _steps(page: str) -> list[tuple[str, str, str, str]]:
    """(step, done, link, state) of each step on the page, in order."""
    found = []
    for name, done, body in re.findall(
            r'<li class="setup-step" data-step="(\w+)" data-done="(\w+)">(.*?)</li>', page, re.S):
        link = re.search(r'href="([^"]+)"', body).group(1)
        state = re.search(r"<span class=\"muted\" data-state>(.*?)</span>", body, re.S).group(1).strip()
        found.append((name, done, link, state))
    return found


def test_an_empty_database_has_every_step_to_do(app):
    with app.app_context():
        steps = setup_steps(today())
        assert [s.name for s in steps] == ORDER
        assert not any(s.done for s in steps)


@pytest.fixture
def lone_admin(app, client, auth):
    """A new province: its union and its admin, nothing else (as `users create` leaves it)."""
    with app.app_context():
        province = create_unit("Tỉnh đoàn Mới", UnitKind.PROVINCE, code="99")
        with_two_factor(create_user("admin", "Quản Trị Mới", PASSWORD, province, Role.ADMIN))
        db.session.commit()
    auth.sign_in("admin")
    return client


def test_a_new_province_has_every_step_to_do_then_units_done(app, lone_admin):
    page = lone_admin.get("/admin/").get_data(as_text=True)
    year = today().year
    assert _steps(page) == [
        ("units", "no", "/admin/units", "Chưa có xã, phường"),
        ("users", "no", "/admin/users", "Chưa có cán bộ"),
        ("assignments", "no", "/admin/assignments", "Chưa có phân công đang hiệu lực"),
        ("plan", "no", "/admin/plans", f"Chưa có kế hoạch năm {year}"),
        ("topics", "no", "/admin/topics", "Chưa có chủ đề"),
    ]
    assert "Cần làm" in page and "Đã thực hiện" not in page
    with app.app_context():
        province = db.session.query(Unit).one()
        create_unit("Đoàn xã Một", UnitKind.COMMUNE, province, code="99001")
        create_unit("Đoàn phường Hai", UnitKind.WARD, province, code="99002")
        db.session.commit()
    page = lone_admin.get("/admin/").get_data(as_text=True)
    assert "✓ Đã thực hiện" in page
    steps = _steps(page)
    assert steps[0] == ("units", "yes", "/admin/units", "3 đơn vị")
    assert [done for _name, done, _link, _state in steps[1:]] == ["no"] * 4


def test_the_world_lacks_only_its_plan(app, admin, world):
    steps = _steps(admin.get("/admin/").get_data(as_text=True))
    assert [(name, done, state) for name, done, _link, state in steps] == [
        ("units", "yes", "6 đơn vị"), ("users", "yes", "2 cán bộ"),
        ("assignments", "yes", "1 phân công đang hiệu lực"),
        ("plan", "no", f"Chưa có kế hoạch năm {today().year}"), ("topics", "yes", "1 chủ đề")]
    with app.app_context():
        db.session.add(Plan(year=today().year, title="Kế hoạch", minimum_days=60))
        db.session.commit()
    steps = _steps(admin.get("/admin/").get_data(as_text=True))
    assert steps[3] == ("plan", "yes", "/admin/plans", "Tối thiểu 60 ngày")


def test_a_past_years_plan_does_not_count(app, admin, world):
    with app.app_context():
        db.session.add(Plan(year=today().year - 1, title="Kế hoạch cũ", minimum_days=60))
        db.session.commit()
    assert _steps(admin.get("/admin/").get_data(as_text=True))[3][1] == "no"
