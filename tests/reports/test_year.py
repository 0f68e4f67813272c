"""The year-end evaluation: each figure on the hand-built year of tests/reports/data.py."""

from __future__ import annotations

from decimal import Decimal

from server.extensions import db
from server.planning.models import Plan
from server.regime.counting import Counting
from server.reports.year import year_report
from server.units.models import Unit
from tests.reports.data import build_year


def _report(world, counting=Counting.APPROVED, unit=None):
    year = build_year(world)
    plan = db.session.get(Plan, year.plan)
    return year_report(plan, db.session.get(Unit, unit or world.province), counting)


def _row(report, name):
    return next(r for r in report.rows if r.full_name == name)


def test_days_merge_overlaps_and_clip_to_the_year(app, world):
    with app.app_context():
        report = _report(world)
        cadre = _row(report, "Cán Bộ Thử")
        assert cadre.days == 7  # 2 + 4 (28/02–02/03, leap day included, 01/03 once) + 1
        assert cadre.visits == 4
        assert cadre.by_form == {"survey": 2, "activity": 1, "inspection": 1, "meeting": 0}
        assert cadre.units_visited == 2
        assert cadre.late == 2
        assert (cadre.minimum_days, cadre.met) == (10, False)


def test_submitted_visits_count_when_asked(app, world):
    with app.app_context():
        cadre = _row(_report(world, Counting.APPROVED_AND_SUBMITTED), "Cán Bộ Thử")
        assert (cadre.days, cadre.visits, cadre.units_visited, cadre.late) == (9, 5, 3, 2)
        assert cadre.by_form["meeting"] == 1


def test_exemptions_and_who_is_covered(app, world):
    with app.app_context():
        report = _report(world)
        names = [r.full_name for r in report.rows]
        # supervisors' accounts are not covered, exempt or not (docs/regime.md)
        assert names == ["Cán Bộ Đi Học", "Cán Bộ Khác", "Cán Bộ Thử", "Cán Bộ Huyện B"]
        exempt = _row(report, "Cán Bộ Đi Học")
        assert (exempt.minimum_days, exempt.met, exempt.exemption_reason) == (None, None, "Đi học")
        lowered = _row(report, "Cán Bộ Khác")
        assert (lowered.minimum_days, lowered.days, lowered.met) == (1, 1, True)
        assert _row(report, "Cán Bộ Huyện B").met is True


def test_province_summary(app, world):
    with app.app_context():
        s = _report(world).summary
        assert (s.covered, s.exempt, s.with_a_visit, s.meeting_minimum) == (3, 1, 3, 2)
        # shares round half up to one decimal: 2 of 3 is 66.7 %
        assert (s.share(s.with_a_visit), s.share(s.meeting_minimum)) == (Decimal("100.0"), Decimal("66.7"))
        assert (s.visits, s.days, s.late) == (6, 20, 2)
        assert s.visits_by_form == {"survey": 3, "activity": 2, "inspection": 1, "meeting": 0}
        # by form the days are not merged: 2 + 2 + 1 (survey), 3 + 12 (activity), 1 (inspection)
        assert s.days_by_form == {"survey": 5, "activity": 15, "inspection": 1, "meeting": 0}


def test_visits_by_month(app, world):
    with app.app_context():
        months = _report(world).visits_by_month
        assert months[1] == {"survey": 1, "activity": 0, "inspection": 0, "meeting": 0}
        assert months[2]["activity"] == 1 and months[3]["survey"] == 1
        assert months[4]["activity"] == 1 and months[12]["inspection"] == 1 and months[7]["survey"] == 0


def test_a_subtree_has_only_its_cadres(app, world):
    with app.app_context():
        report = _report(world, unit=world.district_a)
        assert [r.full_name for r in report.rows] == ["Cán Bộ Khác", "Cán Bộ Thử"]
        assert report.summary.days == 8
