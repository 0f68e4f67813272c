"""Placements: days logged against the placement's length, tasks covered and not, the closing
report, on hand-built data."""

from __future__ import annotations

import uuid
from datetime import date

from server.extensions import db
from server.planning.models import Placement, PlacementReport
from server.regime.counting import Counting
from server.reports.placements import placements_report
from server.units.models import Unit
from tests.reports.data import visit


def test_days_logged_once_each_and_only_inside_the_placement(app, world):
    with app.app_context():
        p = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2024, 2, 26),
                      end_date=date(2024, 3, 3), tasks=["Dự họp chi đoàn", "Khảo sát thanh niên"],
                      mentor_name="Bí Thư Mẫu")
        other = Placement(cadre_id=world.other_cadre, unit_id=world.commune_b1, start_date=date(2024, 5, 6),
                          end_date=date(2024, 5, 12), tasks=[])
        db.session.add_all([p, other])
        db.session.flush()
        db.session.add(PlacementReport(id=uuid.uuid4(), placement_id=p.id, text="Tuần thực tế bổ ích."))
        visit(world.cadre, world.commune_a1, date(2024, 2, 25), 2, placement_id=p.id)  # 26/02 only
        visit(world.cadre, world.commune_a1, date(2024, 2, 29), 1, placement_id=p.id)  # leap day
        visit(world.cadre, world.commune_a1, date(2024, 2, 29), 1, placement_id=p.id)  # same day again
        visit(world.cadre, world.commune_a1, date(2024, 3, 1), 1, status="submitted", placement_id=p.id)
        visit(world.cadre, world.commune_a1, date(2024, 3, 2), 1, status="returned", placement_id=p.id)
        province = db.session.get(Unit, world.province)
        report = placements_report(province, date(2024, 1, 1), date(2024, 12, 31), Counting.APPROVED)
        row = report.rows[0]
        assert (row.cadre_name, row.unit_name, row.length, row.days_logged) == (
            "Cán Bộ Thử", "Đoàn xã A1", 7, 2)
        assert (row.tasks, row.mentor_name, row.closing_report) == (
            ["Dự họp chi đoàn", "Khảo sát thanh niên"], "Bí Thư Mẫu", "Tuần thực tế bổ ích.")
        assert (report.rows[1].days_logged, report.rows[1].complete) == (0, False)
        both = placements_report(province, date(2024, 1, 1), date(2024, 12, 31),
                                 Counting.APPROVED_AND_SUBMITTED)
        assert both.rows[0].days_logged == 3
        district_a = db.session.get(Unit, world.district_a)
        only_a = placements_report(district_a, date(2024, 1, 1), date(2024, 12, 31), Counting.APPROVED)
        # a subtree's report holds its own people's placements, wherever they were placed
        # (docs/review.md): both cadres are district A's, and district B has none of its own
        assert [r.unit_name for r in only_a.rows] == ["Đoàn xã A1", "Đoàn xã B1"]
        district_b = db.session.get(Unit, world.district_b)
        year = (date(2024, 1, 1), date(2024, 12, 31))
        assert placements_report(district_b, *year, Counting.APPROVED).rows == []


def test_a_task_is_covered_by_a_counted_visit_inside_the_placement(app, world):
    """Approved visits cover their ticked tasks; submitted ones only when they count; returned
    ones and visits outside the placement's dates never; a task reworded since is not covered."""
    with app.app_context():
        tasks = ["Dự họp chi đoàn", "Khảo sát thanh niên", "Viết thu hoạch", "Trồng cây"]
        p = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2024, 12, 30),
                      end_date=date(2025, 1, 5), tasks=tasks)
        db.session.add(p)
        db.session.flush()
        a1 = world.commune_a1
        visit(world.cadre, a1, date(2024, 12, 30), 1, placement_id=p.id, placement_tasks=["Dự họp chi đoàn"])
        visit(world.cadre, a1, date(2024, 12, 31), 2, placement_id=p.id,  # across the new year
              placement_tasks=["Dự họp chi đoàn", "Trồng cây"])
        visit(world.cadre, a1, date(2025, 1, 2), 1, status="submitted", placement_id=p.id,
              placement_tasks=["Khảo sát thanh niên"])
        visit(world.cadre, a1, date(2025, 1, 3), 1, status="returned", placement_id=p.id,
              placement_tasks=["Viết thu hoạch"])
        visit(world.cadre, a1, date(2024, 12, 20), 1, placement_id=p.id, placement_tasks=["Viết thu hoạch"])
        visit(world.cadre, a1, date(2025, 1, 4), 1, placement_id=p.id, placement_tasks=["Viết bài thu hoạch"])
        province = db.session.get(Unit, world.province)
        [row] = placements_report(province, date(2024, 1, 1), date(2024, 12, 31), Counting.APPROVED).rows
        assert row.covered == ["Dự họp chi đoàn", "Trồng cây"]
        assert row.not_covered == ["Khảo sát thanh niên", "Viết thu hoạch"]
        assert row.closing_report is None
        [both] = placements_report(province, date(2025, 1, 1), date(2025, 12, 31),
                                   Counting.APPROVED_AND_SUBMITTED).rows
        assert both.covered == ["Dự họp chi đoàn", "Khảo sát thanh niên", "Trồng cây"]
        assert both.not_covered == ["Viết thu hoạch"]
