"""Placements: days logged against the placement's length, on hand-built data."""

from __future__ import annotations

from datetime import date

from server.extensions import db
from server.planning.models import Placement
from server.reports.placements import placements_report
from server.reports.scope import Counting
from server.units.models import Unit
from tests.reports.data import visit


def test_days_logged_once_each_and_only_inside_the_placement(app, world):
    with app.app_context():
        p = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2024, 2, 26),
                      end_date=date(2024, 3, 3), tasks=["Dự họp chi đoàn", "Khảo sát thanh niên"],
                      mentor_name="Bí Thư Mẫu", closing_report="Tuần thực tế bổ ích.")
        other = Placement(cadre_id=world.other_cadre, unit_id=world.commune_b1, start_date=date(2024, 5, 6),
                          end_date=date(2024, 5, 12), tasks=[])
        db.session.add_all([p, other])
        db.session.flush()
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
        assert [r.unit_name for r in only_a.rows] == ["Đoàn xã A1"]
