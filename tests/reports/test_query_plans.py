"""The reports read a period of visits through a covering index (SQLite's plan): the period's range
of the report index, or each covered cadre's range of the cadre index for the regime's figures; at a
million visits anything else costs seconds (docs/benchmarks.md)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from server.extensions import db
from server.planning.models import Plan
from server.regime.counting import Counting
from server.regime.days import counted_days, counted_visits, figures_query
from server.reports.coverage import visits_per_unit
from server.units.models import Unit
from tests.conftest import ON_POSTGRES


def _plan(statement) -> str:
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return "\n".join(row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner is the one that needs steering")
@pytest.mark.parametrize("counting", list(Counting))
def test_year_reads_each_covered_cadres_period_from_covering_indexes(app, world, counting):
    """Cadre by cadre, the period's range of the covering cadre index and of cadre_days's key: the
    rows come in cadre order, so the figures' GROUP BY needs no sort (docs/benchmarks.md)."""
    with app.app_context():
        plan = Plan(year=2025, title="Kế hoạch", minimum_days=20)
        db.session.add(plan)
        db.session.flush()
        period = (date(2025, 1, 1), date(2025, 12, 31), counting)
        province = db.session.get(Unit, world.province)
        visits = counted_visits(*period, plan=plan, unit=province)
        plan_text = _plan(select(func.count()).select_from(visits))
        by_cadre = "COVERING INDEX ix_visits_cadre_start (cadre_id=? AND start_date>? AND start_date<?)"
        assert by_cadre in plan_text
        assert "ix_visits_status" not in plan_text and "ix_visits_cadre_change_seq" not in plan_text
        days_text = _plan(counted_days(*period, plan=plan, unit=province))
        assert "cadre_days USING PRIMARY KEY (cadre_id=? AND day>? AND day<?)" in days_text
        figures_text = _plan(figures_query(*period, plan=plan, unit=province))
        assert "TEMP B-TREE FOR GROUP BY" not in figures_text


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
