"""The reports read a period of visits through the covering report index (SQLite's plan); at a
million visits anything else costs seconds (docs/benchmarks.md)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from server.extensions import db
from server.planning.models import Plan
from server.regime.counting import Counting
from server.regime.days import counted_visits
from server.reports.coverage import visits_per_unit
from server.units.models import Unit
from tests.conftest import ON_POSTGRES


def _plan(statement) -> str:
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return "\n".join(row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner is the one that needs steering")
@pytest.mark.parametrize("counting", list(Counting))
def test_year_reads_the_covering_report_index(app, world, counting):
    with app.app_context():
        plan = Plan(year=2025, title="Kế hoạch", minimum_days=20)
        db.session.add(plan)
        db.session.flush()
        visits = counted_visits(date(2025, 1, 1), date(2025, 12, 31), counting, plan=plan,
                                unit=db.session.get(Unit, world.province))
        plan_text = _plan(select(func.count()).select_from(visits))
        assert "COVERING INDEX ix_visits_report (start_date>? AND start_date<?)" in plan_text
        assert "ix_visits_status" not in plan_text and "ix_visits_cadre_change_seq" not in plan_text


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner is the one that needs steering")
def test_coverage_reads_the_covering_report_index(app, world):
    with app.app_context():
        plan_text = _plan(visits_per_unit(date(2025, 1, 1), date(2025, 12, 31), Counting.APPROVED))
        assert "COVERING INDEX ix_visits_report (start_date>? AND start_date<?)" in plan_text
        assert "ix_visits_status" not in plan_text and "ix_visits_unit_start" not in plan_text


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner is the one that needs steering")
@pytest.mark.parametrize("counting", list(Counting))
def test_placements_read_the_placement_index(app, world, counting):
    """Placement visits through ix_visits_placement_id, never every approved visit through a
    status index (1.8 s of CPU at a million visits instead of a few ms)."""
    from server.reports.placements import placements_query, ticked_query

    with app.app_context():
        db.session.execute(text("ANALYZE"))  # statistics like a database in use, as the bench's
        province = db.session.get(Unit, world.province)
        for statement in (placements_query(province, date(2025, 1, 1), date(2025, 12, 31), counting),
                          ticked_query([1, 2, 3], counting)):
            plan_text = _plan(statement)
            assert "INDEX ix_visits_placement_id (placement_id" in plan_text
            assert "ix_visits_status" not in plan_text
