"""Units: browse, create, edit (codes unique, moves rewrite paths), retire, merge with successors."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import db
from server.units.models import Unit
from server.units.services import current_unit_for, current_unit_map, successor_of
from server.visits.models import Visit
from tests.factories import make_visit


def _unit(app, unit_id: int) -> Unit:
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        db.session.expunge(unit)
        return unit


def test_tree_lists_units_in_order_and_filters(admin, world):
    page = admin.get("/admin/units").get_data(as_text=True)
    assert page.index("Huyện đoàn A") < page.index("Đoàn xã A1") < page.index("Huyện đoàn B")
    page = admin.get("/admin/units?q=t1-b").get_data(as_text=True)
    assert "Đoàn xã B1" in page and "Đoàn xã A1" not in page


def test_create_a_unit_under_a_parent(app, admin, post, world):
    response = post("/admin/units/new", data={"name": "Đoàn xã A3", "kind": "commune", "code": "T1-A3",
                                              "parent_id": str(world.district_a), "valid_from": "2025-07-01"})
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "T1-A3"))
        district = db.session.get(Unit, world.district_a)
        assert unit.path == f"{district.path}{unit.id}/" and unit.valid_from == date(2025, 7, 1)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "unit"))
        assert entry.action == "create"


def test_official_codes_are_unique(app, admin, post, world):
    response = post("/admin/units/new", data={"name": "Trùng mã", "kind": "commune", "code": "T1-A1",
                                              "parent_id": str(world.district_a)})
    assert response.status_code == 400
    assert "Đã có đơn vị khác mang mã này." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 6


def test_moving_a_unit_moves_its_subtree(app, admin, post, world):
    response = post(f"/admin/units/{world.district_a}", data={
        "name": "Huyện đoàn A", "kind": "district", "code": "T1-A", "parent_id": str(world.district_b)})
    assert response.status_code == 302
    b, a, a1 = _unit(app, world.district_b), _unit(app, world.district_a), _unit(app, world.commune_a1)
    assert a.path == f"{b.path}{a.id}/" and a1.path == f"{a.path}{a1.id}/"


def test_a_unit_cannot_go_under_its_own_subtree(app, admin, post, world):
    response = post(f"/admin/units/{world.district_a}", data={
        "name": "Huyện đoàn A", "kind": "district", "code": "T1-A", "parent_id": str(world.commune_a1)})
    assert response.status_code == 400
    assert _unit(app, world.district_a).parent_id == world.province


def test_retire_keeps_the_unit_and_its_visits(app, admin, post, world):
    with app.app_context():
        make_visit(world.cadre, world.commune_a1, date(2025, 3, 1))
        db.session.commit()
    response = post(f"/admin/units/{world.commune_a1}", f"/admin/units/{world.commune_a1}/retire",
                    data={"on": "2025-06-30"})
    assert response.status_code == 302
    assert _unit(app, world.commune_a1).valid_to == date(2025, 6, 30)
    with app.app_context():
        assert db.session.scalar(select(Visit.unit_id)) == world.commune_a1
    assert "Đoàn xã A1" not in admin.get("/admin/units").get_data(as_text=True)
    assert "Đoàn xã A1" in admin.get("/admin/units?status=retired").get_data(as_text=True)


def test_merge_into_a_new_unit_keeps_old_visits_and_rolls_them_up(app, admin, post, world):
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, date(2025, 3, 1))
        visit_id = visit.id
        db.session.commit()
    response = post("/admin/units/merge", data={
        "sources": [str(world.commune_a1), str(world.commune_a2)], "on": "2025-07-01",
        "new_name": "Đoàn xã A mới", "new_code": "T1-AN", "new_kind": "commune",
        "new_parent_id": str(world.province)})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Unit).where(Unit.code == "T1-AN"))
        a1, a2 = db.session.get(Unit, world.commune_a1), db.session.get(Unit, world.commune_a2)
        assert (a1.successor_id, a2.successor_id) == (new.id, new.id)
        assert a1.valid_to == date(2025, 6, 30) and new.valid_from == date(2025, 7, 1)
        assert db.session.get(Visit, visit_id).unit_id == world.commune_a1  # as recorded
        assert current_unit_for(world.commune_a1) == new.id  # reports roll it up
        assert current_unit_map({world.commune_a1, world.commune_b1}) == {
            world.commune_a1: new.id, world.commune_b1: world.commune_b1}
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge")).details["sources"]


def test_merge_chains_are_followed(app, world):
    from server.units.services import create_unit, merge_units

    with app.app_context():
        a1, a2 = db.session.get(Unit, world.commune_a1), db.session.get(Unit, world.commune_a2)
        b1 = db.session.get(Unit, world.commune_b1)
        merge_units([a1], a2, date(2024, 1, 1))
        merge_units([a2], b1, date(2025, 7, 1))
        assert successor_of(a1).id == b1.id
        assert current_unit_map()[world.commune_a1] == world.commune_b1
        lone = create_unit("Đơn vị lẻ", "commune")
        assert successor_of(lone) is lone


def test_merge_into_an_existing_unit(app, admin, post, world):
    response = post("/admin/units/merge", data={"sources": [str(world.commune_a1)], "on": "2025-07-01",
                                                "successor_id": str(world.commune_b1)})
    assert response.status_code == 302
    assert _unit(app, world.commune_a1).successor_id == world.commune_b1


@pytest.mark.parametrize("valid_from", [None, date(2020, 1, 1)])
def test_merge_into_an_existing_unit_keeps_its_own_dates(app, admin, post, world, valid_from):
    with app.app_context():
        db.session.get(Unit, world.commune_b1).valid_from = valid_from
        db.session.commit()
    response = post("/admin/units/merge", data={"sources": [str(world.commune_a1)], "on": "2025-07-01",
                                                "successor_id": str(world.commune_b1)})
    assert response.status_code == 302
    a1, b1 = _unit(app, world.commune_a1), _unit(app, world.commune_b1)
    assert (a1.valid_to, a1.successor_id) == (date(2025, 6, 30), world.commune_b1)  # the source ends
    assert (b1.valid_from, b1.valid_to) == (valid_from, None)  # the successor existed before: unchanged


def test_a_merged_units_page_names_its_successor(app, admin, post, world):
    counted_under = "Báo cáo tính các lượt này cho"
    page = admin.get(f"/admin/units/{world.commune_a1}").get_data(as_text=True)
    assert counted_under not in page  # not merged: counted under itself, nothing to say
    response = post("/admin/units/merge", data={"sources": [str(world.commune_a1)], "on": "2025-07-01",
                                                "successor_id": str(world.commune_b1)})
    assert response.status_code == 302
    page = admin.get(f"/admin/units/{world.commune_a1}").get_data(as_text=True)
    assert f"{counted_under} Đoàn xã B1." in page
    assert counted_under not in admin.get(f"/admin/units/{world.commune_b1}").get_data(as_text=True)


def test_merge_needs_exactly_one_successor(app, admin, post, world):
    response = post("/admin/units/merge", data={"sources": [str(world.commune_a1)], "on": "2025-07-01"})
    assert response.status_code == 400
    response = post("/admin/units/merge", data={"sources": [str(world.commune_a1)], "on": "2025-07-01",
                                                "successor_id": str(world.commune_a1)})
    assert response.status_code == 400
    assert _unit(app, world.commune_a1).successor_id is None
