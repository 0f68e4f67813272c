"""Coverage on a hand-built district with two communes merged on 1 July 2025."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from server.extensions import db
from server.planning.models import Assignment
from server.regime.counting import Counting
from server.reports.coverage import coverage_report
from server.units.models import Unit
from server.units.services import create_unit
from tests.reports.data import visit


def _merge(world) -> dict[str, int]:
    district_a = db.session.get(Unit, world.district_a)
    new = create_unit("Xã Hợp Nhất", "commune", district_a, code="T1-AN", valid_from=date(2025, 7, 1))
    old1 = create_unit("Xã Cũ Một", "commune", district_a, code="T1-AO1", valid_to=date(2025, 6, 30))
    old2 = create_unit("Xã Cũ Hai", "commune", district_a, code="T1-AO2", valid_to=date(2025, 6, 30))
    old1.successor, old2.successor = new, new
    c = world.cadre
    visit(c, old1.id, date(2025, 3, 1), 1)
    visit(c, old2.id, date(2025, 5, 5), 2)
    visit(c, new.id, date(2025, 8, 1), 1)
    visit(c, world.commune_a1, date(2025, 2, 1), 1, status="submitted")
    visit(c, world.commune_a1, date(2025, 10, 10), 2)
    visit(c, world.commune_a2, date(2025, 4, 1), 1, status="returned")
    visit(c, world.commune_b1, date(2024, 12, 20), 1)
    db.session.add(Assignment(cadre_id=world.other_cadre, unit_id=new.id, start_date=date(2025, 7, 1)))
    db.session.add(Assignment(cadre_id=world.other_cadre, unit_id=world.commune_a2,
                              start_date=date(2020, 1, 1), end_date=date(2024, 12, 31)))
    db.session.flush()
    return {"new": new.id, "old1": old1.id}


def _by_name(report):
    return {u.name: (u.visits, u.last_visit, u.in_charge) for u in report.units}


def test_merged_communes_roll_up_to_their_successor(app, world):
    with app.app_context():
        _merge(world)
        province = db.session.get(Unit, world.province)
        report = coverage_report(province, date(2025, 1, 1), date(2025, 12, 31), Counting.APPROVED)
        assert [g.parent_name for g in report.groups] == ["Huyện đoàn A", "Huyện đoàn B"]
        assert _by_name(report) == {
            "Xã Hợp Nhất": (3, date(2025, 8, 1), "Cán Bộ Khác"),
            "Đoàn xã A1": (1, date(2025, 10, 11), ""),
            "Đoàn xã A2": (0, None, ""),  # returned visits never count; the assignment had ended
            "Đoàn xã B1": (0, None, "Cán Bộ Thử"),
        }
        assert (report.visited, report.total, report.share) == (2, 4, 50.0)
        # shares round half up to one decimal: 2 of 3 is 66.7 %
        assert [(g.visited, len(g.units), g.share) for g in report.groups] == [(2, 3, Decimal("66.7")),
                                                                               (0, 1, Decimal("0.0"))]


def test_before_the_merger_the_old_communes_show(app, world):
    with app.app_context():
        _merge(world)
        district_a = db.session.get(Unit, world.district_a)
        report = coverage_report(district_a, date(2025, 1, 1), date(2025, 3, 31),
                                 Counting.APPROVED_AND_SUBMITTED)
        assert _by_name(report) == {
            "Xã Cũ Hai": (0, None, ""),
            "Xã Cũ Một": (1, date(2025, 3, 1), ""),
            "Đoàn xã A1": (1, date(2025, 2, 1), ""),
            "Đoàn xã A2": (0, None, ""),
        }


def test_a_commune_that_took_others_over_keeps_its_earlier_history(app, world):
    from server.units.services import merge_units

    with app.app_context():
        visit(world.cadre, world.commune_b1, date(2025, 3, 1), 1)
        visit(world.cadre, world.commune_a1, date(2025, 4, 1), 1)
        a1, b1 = db.session.get(Unit, world.commune_a1), db.session.get(Unit, world.commune_b1)
        merge_units([a1], b1, date(2025, 7, 1))
        province = db.session.get(Unit, world.province)
        before = coverage_report(province, date(2025, 1, 1), date(2025, 6, 30), Counting.APPROVED)
        assert {u.name: u.visits for u in before.units} == {
            "Đoàn xã A1": 1, "Đoàn xã A2": 0, "Đoàn xã B1": 1}
        after = coverage_report(province, date(2025, 1, 1), date(2025, 12, 31), Counting.APPROVED)
        assert {u.name: u.visits for u in after.units} == {"Đoàn xã A2": 0, "Đoàn xã B1": 2}
        assert b1.valid_from is None


def test_communes_made_under_the_province_group_by_their_former_district(app, world):
    with app.app_context():
        province, district_b = db.session.get(Unit, world.province), db.session.get(Unit, world.district_b)
        new = create_unit("Xã Mới B", "commune", province, code="T1-NB", valid_from=date(2025, 7, 1))
        old = create_unit("Xã Cũ B", "commune", district_b, code="T1-OB", valid_to=date(2025, 6, 30))
        old.successor = new
        visit(world.cadre, old.id, date(2025, 2, 3), 1)
        db.session.flush()
        report = coverage_report(province, date(2025, 1, 1), date(2025, 12, 31), Counting.APPROVED)
        groups = {g.parent_name: sorted(u.name for u in g.units) for g in report.groups}
        assert groups == {"Huyện đoàn A": ["Đoàn xã A1", "Đoàn xã A2"],
                          "Huyện đoàn B": sorted(["Xã Mới B", "Đoàn xã B1"])}
        moved = next(u for u in report.units if u.name == "Xã Mới B")
        assert (moved.parent_name, moved.former_parent, moved.visits) == ("Tỉnh đoàn Thử", "Huyện đoàn B", 1)


def test_a_visit_overlapping_the_period_counts(app, world):
    with app.app_context():
        visit(world.cadre, world.commune_b1, date(2024, 12, 30), 3)
        province = db.session.get(Unit, world.province)
        report = coverage_report(province, date(2025, 1, 1), date(2025, 1, 31), Counting.APPROVED)
        assert _by_name(report)["Đoàn xã B1"][:2] == (1, date(2025, 1, 1))
