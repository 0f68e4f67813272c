"""The regime's rules that the cases file does not hold: who is covered, exemptions (pro rata for a
period), late and back-entered reports, units reached across a merger."""

from __future__ import annotations

from datetime import UTC, date, datetime

from server.auth.models import User
from server.extensions import db
from server.planning.models import Plan, PlanExemption
from server.regime.counting import WORKING, decimal_text, share
from server.regime.coverage import minimum_after, obligation_for, obligations
from server.regime.days import figures
from server.units.models import Unit
from server.units.services import merge_units
from tests.factories import make_visit


def _plan(year: int = 2025, minimum: int = 60, **fields) -> Plan:
    plan = Plan(year=year, title="Kế hoạch", minimum_days=minimum, **fields)
    db.session.add(plan)
    db.session.flush()
    return plan


def test_supervisors_admins_and_probationary_cadres_are_not_covered(app, world):
    with app.app_context():
        plan = _plan()
        trainee = db.session.get(User, world.other_cadre)
        trainee.is_probationary = True
        covered = {o.cadre_id for o in obligations(plan)}
        assert covered == {world.cadre}
        assert obligation_for(db.session.get(User, world.supervisor), 2025) is None
        assert obligation_for(trainee, 2025) is None
        assert obligation_for(db.session.get(User, world.cadre), 2026) is None  # no plan that year


def test_a_plan_for_one_district_covers_only_its_cadres(app, world):
    with app.app_context():
        plan = _plan(covered_unit_id=world.district_b)
        assert obligations(plan) == []


def test_exemptions_replace_or_lower_pro_rata_or_exempt(app, world):
    with app.app_context():
        plan = _plan(2025, 60)

        def exemption(**fields):
            return PlanExemption(plan=plan, cadre_id=world.cadre, reason="Nghỉ", **fields)

        assert minimum_after(plan, None) == 60
        assert minimum_after(plan, exemption(minimum_days=25)) == 25
        assert minimum_after(plan, exemption()) is None
        # away 1 January – 30 June (181 of 365 days): 60 × 184/365 = 30.2 → 30
        assert minimum_after(plan, exemption(start_date=date(2025, 1, 1), end_date=date(2025, 6, 30))) == 30
        # a period reaching outside the year counts only its part in the year
        assert minimum_after(plan, exemption(start_date=date(2024, 7, 1), end_date=date(2025, 3, 31))) == 45
        assert minimum_after(plan, exemption(start_date=date(2024, 1, 1), end_date=date(2026, 1, 1))) is None
        db.session.rollback()


def test_back_entered_reports_are_counted_apart_not_late(app, world):
    with app.app_context():
        plan = _plan(2025, 60, back_entry_before=date(2025, 3, 1))
        late = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)
        make_visit(world.cadre, world.commune_a1, date(2025, 1, 10), status="approved", received_at=late)
        make_visit(world.cadre, world.commune_a1, date(2025, 4, 1), status="approved", received_at=late)
        make_visit(world.cadre, world.commune_a1, date(2025, 4, 25), status="approved", received_at=late)
        found = figures([world.cadre], date(2025, 1, 1), date(2025, 12, 31), WORKING, plan)[world.cadre]
        assert (found.late, found.back_entered, found.days) == (1, 1, 3)
        without = figures([world.cadre], date(2025, 1, 1), date(2025, 12, 31), WORKING)[world.cadre]
        assert (without.late, without.back_entered) == (2, 0)


def test_a_merged_commune_and_its_successor_are_one_unit_reached(app, world):
    with app.app_context():
        make_visit(world.cadre, world.commune_a1, date(2025, 3, 1), status="approved")
        make_visit(world.cadre, world.commune_a2, date(2025, 9, 1), status="approved")
        before = figures([world.cadre], date(2025, 1, 1), date(2025, 12, 31), WORKING)[world.cadre]
        assert before.units == 2
        merge_units([db.session.get(Unit, world.commune_a1)], db.session.get(Unit, world.commune_a2),
                    date(2025, 7, 1))
        after = figures([world.cadre], date(2025, 1, 1), date(2025, 12, 31), WORKING)[world.cadre]
        assert (after.units, after.visits, after.days) == (1, 2, 2)


def test_shares_round_half_up_with_a_decimal_comma_in_vietnamese():
    assert str(share(2, 3)) == "66.7"
    assert str(share(1, 8)) == "12.5"  # 12.5 exactly
    assert str(share(1, 16)) == "6.3"  # 6.25: half up, not half to even
    assert str(share(4779, 4780)) == "100.0"
    assert decimal_text(share(2, 3), "vi") == "66,7" and decimal_text(share(2, 3), "en") == "66.7"
    assert str(share(0, 0)) == "0.0"
