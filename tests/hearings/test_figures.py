"""The month's figures, compiled by SQL, against answers worked out by hand (see conftest.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from server.extensions import db
from server.hearings.figures import figures, month_bounds
from server.hearings.models import Hearing
from server.hearings.services import hearing_rows
from tests.factories import make_hearing


def _month(app, cadre_ids, month):
    with app.app_context():
        first, last = month_bounds(month)
        return figures(cadre_ids, first, last)


def test_october_of_the_cadre(app, world, october):
    got = _month(app, [world.cadre], date(2025, 10, 1))[world.cadre]
    # v2 was returned: it never counts (the regime's rule), but its review state is listed
    assert got.visits == 2
    assert got.days == 3  # 2 of v1 (1–2 Oct), 1 of v3 (31 Oct)
    assert got.by_form == {"survey": 1, "inspection": 1}
    assert got.by_status == {"approved": 1, "returned": 1, "submitted": 1}
    assert got.late == 0  # v2 came 11 days after, but it was returned; v3 on the 10th day is on time
    assert set(got.units) == {world.commune_a1, world.commune_b1}
    assert got.topics == {world.topic: 1}


def test_a_visit_across_months_counts_its_days_in_each(app, world, october):
    september = _month(app, [world.cadre], date(2025, 9, 1))[world.cadre]
    november = _month(app, [world.cadre], date(2025, 11, 1))[world.cadre]
    assert (september.visits, september.days) == (1, 2)
    assert (november.visits, november.days, november.late) == (1, 1, 0)


def test_a_cadre_with_no_visit_has_empty_figures(app, world, october):
    got = _month(app, [world.other_cadre], date(2025, 10, 1))[world.other_cadre]
    assert (got.visits, got.days, got.late, got.by_form, got.units) == (0, 0, 0, {}, {})


def test_the_hearing_lists_covered_cadres_with_flags(app, world, october):
    with app.app_context():
        hearing = db.session.get(Hearing, make_hearing(world, date(2025, 10, 1), world.district_a))
        rows, exempt = hearing_rows(hearing)
        by_cadre = {row.cadre.id: row for row in rows}
        # not cadre3 (exempt), not the supervisors
        assert set(by_cadre) == {world.cadre, world.other_cadre, october.cadre4}
        assert [(cadre.id, reason) for cadre, reason in exempt] == [(october.cadre3, "Đi học dài hạn")]
        cadre, other, reduced = by_cadre[world.cadre], by_cadre[world.other_cadre], by_cadre[october.cadre4]
        # share of 2025 gone on 31 October: 304/365 days
        # 4 days of v1 and 1 of v3 by 31 October (v2 returned)
        assert (cadre.pace.days, cadre.pace.expected, cadre.pace.behind) == (5, Decimal("50.0"), True)
        pace = reduced.pace
        assert (reduced.minimum, pace.days, pace.expected, pace.behind) == (5, 6, Decimal("4.2"), False)
        assert (other.pace.days, other.pace.behind) == (0, True)
        assert (cadre.no_visit, other.no_visit, reduced.no_visit) == (False, True, True)
        # B1 visited 31/10; A2 only on the returned v2, which does not count; A1 never visited by
        # cadre2; cadre4 last at A1 on 06/03, 239 days before 31/10
        assert [(n.unit.id, n.last_visit) for n in cadre.neglected] == [(world.commune_a2, None)]
        assert [(n.unit.id, n.last_visit) for n in other.neglected] == [(world.commune_a1, None)]
        neglected = [(n.unit.id, n.last_visit) for n in reduced.neglected]
        assert neglected == [(world.commune_a1, date(2025, 3, 6))]


def test_the_units_offered_for_a_direction_are_the_ones_the_cadre_may_visit(app, world, october):
    from server.auth.models import User
    from server.auth.permissions import recordable_unit_ids
    from server.hearings.services import visitable_units

    with app.app_context():
        cadres = [db.session.get(User, c) for c in (world.cadre, world.other_cadre, october.cadre4)]
        on = date(2025, 10, 31)
        offered = visitable_units(cadres, on)
        for cadre in cadres:
            allowed = set(db.session.scalars(recordable_unit_ids(cadre, on)))
            assert {u.id for u in offered[cadre.id]} == allowed
        assert world.commune_b1 in {u.id for u in offered[world.cadre]}  # assigned, outside district A
