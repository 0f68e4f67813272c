"""Units are listed and chosen as a tree (parent, then its children by kind and Vietnamese name),
not by their id paths: ids past 99 and a department made after the wards must not disorder it."""

from __future__ import annotations

import re

import pytest

from server.auth.models import User
from server.extensions import db
from server.units.models import Unit, UnitKind
from server.units.services import create_unit
from server.units.tree import units_in_tree_order

#: (id, parent id, kind, name), created in this order: ids out of the tree's order on purpose
TREE = [
    (500, None, UnitKind.PROVINCE, "Tỉnh đoàn Thứ Tự"),
    (507, 500, UnitKind.WARD, "Đoàn phường Tam Thanh"),
    (599, 500, UnitKind.DISTRICT, "Huyện đoàn Cao Lộc"),
    (600, 599, UnitKind.COMMUNE, "Đoàn xã Yên Trạch"),
    (1000, 500, UnitKind.COMMUNE, "Đoàn xã Đồng Đăng"),
    (512, 500, UnitKind.COMMUNE, "Đoàn xã Bắc Sơn"),
    (650, 599, UnitKind.COMMUNE, "Đoàn xã Ái Quốc"),
    (2000, 500, UnitKind.AGENCY, "Ban Tổ chức"),  # a department created after the wards
    (508, 500, UnitKind.WARD, "Đoàn phường Đông Kinh"),
]
#: the tree as read: departments, districts (with their communes), wards, communes; names by ABC
EXPECTED = ["Tỉnh đoàn Thứ Tự", "Ban Tổ chức", "Huyện đoàn Cao Lộc", "Đoàn xã Ái Quốc",
            "Đoàn xã Yên Trạch", "Đoàn phường Đông Kinh", "Đoàn phường Tam Thanh", "Đoàn xã Bắc Sơn",
            "Đoàn xã Đồng Đăng"]


def _add_tree() -> None:
    paths: dict[int, str] = {}
    for unit_id, parent_id, kind, name in TREE:
        paths[unit_id] = f"{paths[parent_id] if parent_id else '/'}{unit_id}/"
        db.session.add(Unit(id=unit_id, parent_id=parent_id, path=paths[unit_id], kind=kind, name=name,
                            code=f"TT{unit_id}"))
    db.session.commit()


@pytest.fixture
def tree(app, world):
    with app.app_context():
        _add_tree()


def _order(text: str, names: list[str] = EXPECTED) -> list[str]:
    """The names in the order they appear in ``text``."""
    found = {name: text.find(name) for name in names}
    assert all(at >= 0 for at in found.values()), found
    return sorted(names, key=found.__getitem__)


def test_units_in_tree_order(app, tree):
    with app.app_context():
        units = db.session.query(Unit).filter(Unit.id >= 500).order_by(Unit.path).all()
        assert [u.name for u in units] != EXPECTED  # the old order was wrong
        assert [u.name for u in units_in_tree_order(units)] == EXPECTED


def test_part_of_a_tree_sorts_under_its_missing_parents(app, tree):
    """Communes alone (an assignment's choices) keep their parents' order without the parents."""
    with app.app_context():
        communes = db.session.query(Unit).filter(Unit.id >= 500, Unit.kind == UnitKind.COMMUNE).all()
        assert [u.name for u in units_in_tree_order(communes)] == [
            "Đoàn xã Ái Quốc", "Đoàn xã Yên Trạch", "Đoàn xã Bắc Sơn", "Đoàn xã Đồng Đăng"]


def test_the_unit_list_is_in_tree_order(admin, tree):
    page = admin.get("/admin/units?q=%C4%91o%C3%A0n&status=all").get_data(as_text=True)  # "đoàn"
    names = [n for n in EXPECTED if "oàn" in n]
    assert _order(page, names) == names


def test_the_children_of_a_unit_are_in_tree_order(admin, tree):
    page = admin.get("/admin/units/500").get_data(as_text=True)
    assert _order(page, EXPECTED[1:3] + EXPECTED[5:]) == EXPECTED[1:3] + EXPECTED[5:]


@pytest.mark.parametrize("path", ["/admin/users/new", "/admin/units/new", "/admin/plans",
                                  "/admin/units/merge"])
def test_unit_selects_are_in_tree_order(admin, tree, path):
    page = admin.get(path).get_data(as_text=True)
    assert _order(page) == EXPECTED


def test_assignment_choices_are_in_tree_order(admin, tree):
    communes = ["Đoàn xã Ái Quốc", "Đoàn xã Yên Trạch", "Đoàn phường Đông Kinh", "Đoàn phường Tam Thanh",
                "Đoàn xã Bắc Sơn", "Đoàn xã Đồng Đăng"]
    page = admin.get("/admin/assignments").get_data(as_text=True)
    assert _order(page, communes) == communes


def test_report_scope_choices_are_in_tree_order(app, world, tree):
    from server.reports.scope import scope_choices

    with app.app_context():
        names = [u.name for u in scope_choices(db.session.get(User, world.admin)) if u.id >= 500]
        assert names == ["Tỉnh đoàn Thứ Tự", "Ban Tổ chức", "Huyện đoàn Cao Lộc"]


def test_review_unit_filter_is_in_tree_order(app, world, tree):
    from server.review.views_support import filter_choices

    with app.app_context():
        units, _cadres = filter_choices(db.session.get(User, world.admin))
        assert [name for unit_id, name in units if unit_id >= 500] == EXPECTED


def test_hearing_unit_choice_is_in_tree_order(admin, tree):
    page = admin.get("/hearings/").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="unit_id".*?</select>', page, re.S).group(0)
    assert _order(select) == EXPECTED


def test_numbered_wards_in_number_order(app, world):
    with app.app_context():
        province = db.session.get(Unit, world.province)
        wards = [create_unit(f"Phường {n}", UnitKind.WARD, province) for n in (10, 2, 1)]
        assert [u.name for u in units_in_tree_order(wards)] == ["Phường 1", "Phường 2", "Phường 10"]
