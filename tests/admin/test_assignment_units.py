"""The assignment's units: grouped under their (former) district, a heading per group, a filter
that is rendered hidden (the page works without JavaScript: every box is there)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from server.extensions import db
from server.planning.models import Assignment
from server.units.models import Unit, UnitKind
from server.units.services import create_unit, merge_units, retire_unit
from server.units.tree import by_former_district, former_districts

REFORM = date(2025, 7, 1)


@pytest.fixture
def reform(app, world):
    """The 2025 reform on top of the world: district C abolished, merged into its commune "Xã C"
    (as the demo's districts are); commune C1 merged into a new commune under the province; a
    ward under the province that never had a district."""
    with app.app_context():
        province = db.session.get(Unit, world.province)
        district_c = create_unit("Huyện đoàn C", UnitKind.DISTRICT, province, code="T1-C")
        c1 = create_unit("Đoàn xã C1", UnitKind.COMMUNE, district_c, code="T1-C1")
        c2 = create_unit("Đoàn xã C2", UnitKind.COMMUNE, district_c, code="T1-C2")
        commune_c = create_unit("Đoàn xã C", UnitKind.COMMUNE, province, code="T1-XC", valid_from=REFORM)
        merged = create_unit("Đoàn xã Hợp Nhất", UnitKind.COMMUNE, province, code="T1-HN", valid_from=REFORM)
        ward = create_unit("Đoàn phường Mới", UnitKind.WARD, province, code="T1-PM", valid_from=REFORM)
        merge_units([c1], merged, REFORM)
        merge_units([district_c], commune_c, REFORM)
        retire_unit(c2, date(2025, 6, 30))
        db.session.commit()
        return {"district_c": district_c.id, "commune_c": commune_c.id, "merged": merged.id, "ward": ward.id,
                "c1": c1.id, "c2": c2.id}


def test_former_districts_follow_the_parent_then_the_history(app, world, reform):
    with app.app_context():
        ids = [world.commune_a1, world.commune_b1, reform["commune_c"], reform["merged"], reform["ward"]]
        units = db.session.scalars(select(Unit).where(Unit.id.in_(ids))).all()
        found = {unit_id: d.id if d else None for unit_id, d in former_districts(units).items()}
        assert found == {world.commune_a1: world.district_a, world.commune_b1: world.district_b,
                         reform["commune_c"]: reform["district_c"],  # the district merged into it
                         reform["merged"]: reform["district_c"],  # its merged commune's district
                         reform["ward"]: None}


def test_groups_in_order_districts_first(app, world, reform):
    with app.app_context():
        units = db.session.scalars(select(Unit).where(Unit.kind.in_(("commune", "ward")),
                                                      Unit.valid_to.is_(None))).all()
        groups = [(head.name if head else None, is_district, [u.name for u in members])
                  for head, is_district, members in by_former_district(units)]
        assert groups == [
            ("Huyện đoàn A", True, ["Đoàn xã A1", "Đoàn xã A2"]),
            ("Huyện đoàn B", True, ["Đoàn xã B1"]),
            ("Huyện đoàn C", True, ["Đoàn xã C", "Đoàn xã Hợp Nhất"]),
            ("Tỉnh đoàn Thử", False, ["Đoàn phường Mới"]),
        ]


def _groups(page: str) -> list[tuple[str, list[str]]]:
    """(heading, unit labels) of each group the page shows."""
    found = []
    for block in re.findall(r'<div class="unit-group" data-unit-group>(.*?)</ul>', page, re.S):
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", block, re.S).group(1)
        heading = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", heading)).strip()
        labels = [re.sub(r"\s+", " ", label).strip()
                  for label in re.findall(r"<label[^>]*>(.*?)</label>", block, re.S)]
        found.append((heading, labels))
    return found


def test_the_assignment_page_groups_units_under_headings(admin, world, reform):
    page = admin.get("/admin/assignments").get_data(as_text=True)
    assert _groups(page) == [
        ("Huyện đoàn A", ["Đoàn xã A1 (T1-A1)", "Đoàn xã A2 (T1-A2)"]),
        ("Huyện đoàn B", ["Đoàn xã B1 (T1-B1)"]),
        ("Huyện đoàn C (cũ)", ["Đoàn xã C (T1-XC)", "Đoàn xã Hợp Nhất (T1-HN)"]),
        ("Trực thuộc Tỉnh đoàn Thử", ["Đoàn phường Mới (T1-PM)"]),
    ]
    # the filter waits for the script (pwa/js/unit-filter.js); without it, nothing dead shows
    assert re.search(r'<div class="field unit-filter" data-unit-filter hidden>', page)
    assert 'data-view="admin-assignments"' in page


def test_units_ticked_in_two_groups_are_assigned(app, admin, post, world, reform):
    response = post("/admin/assignments", data={
        "cadre_id": str(world.other_cadre), "unit_ids": [str(world.commune_a2), str(reform["merged"])],
        "start_date": "2026-01-05"})
    assert response.status_code == 302
    with app.app_context():
        assert set(db.session.scalars(select(Assignment.unit_id).where(
            Assignment.cadre_id == world.other_cadre))) == {world.commune_a2, reform["merged"]}


def test_a_retired_commune_cannot_be_assigned(admin, post, world, reform):
    response = post("/admin/assignments", data={
        "cadre_id": str(world.other_cadre), "unit_ids": [str(reform["c2"])], "start_date": "2026-01-05"})
    assert response.status_code == 400
