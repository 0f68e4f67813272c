"""The home page: a cadre's days against the plan, a reviewer's queue."""

from __future__ import annotations

from datetime import date

from server.auth.models import User
from server.extensions import db
from server.home.services import visits_by_status
from server.planning.models import Plan, PlanExemption
from server.regime.standing import standing
from server.time import today
from tests.factories import make_visit


def _plan(minimum: int = 60) -> Plan:
    plan = Plan(year=today().year, title="Kế hoạch thử", minimum_days=minimum)
    db.session.add(plan)
    return plan


def test_days_count_both_ends_and_only_this_year(app, world):
    with app.app_context():
        _plan()
        year = today().year
        make_visit(world.cadre, world.commune_a1, start=date(year, 3, 1), days=3)
        make_visit(world.cadre, world.commune_a1, start=date(year, 4, 1), days=1, status="approved")
        make_visit(world.cadre, world.commune_a1, start=date(year - 1, 4, 1), days=5)
        make_visit(world.other_cadre, world.commune_a1, start=date(year, 4, 1), days=2)
        cadre = db.session.get(User, world.cadre)
        progress = standing(cadre, date(year, 12, 31))
        assert (progress.days, progress.days_approved, progress.minimum) == (4, 1, 60)
        assert visits_by_status(cadre, year) == {"submitted": 1, "approved": 1}
        assert progress.percent == 6


def test_an_exemption_replaces_the_minimum(app, world):
    with app.app_context():
        plan = _plan()
        plan.exemptions.append(PlanExemption(cadre_id=world.cadre, reason="Nghỉ thai sản", minimum_days=30))
        plan.exemptions.append(PlanExemption(cadre_id=world.other_cadre, reason="Đi học", minimum_days=None))
        db.session.flush()
        assert standing(db.session.get(User, world.cadre), today()).minimum == 30
        assert standing(db.session.get(User, world.other_cadre), today()).minimum is None


def test_cadre_home_shows_days_against_the_minimum(app, client, auth, world):
    with app.app_context():
        _plan()
        make_visit(world.cadre, world.commune_a1, start=date(today().year, 1, 2), days=2)
        db.session.commit()
    auth.sign_in("cadre")
    page = client.get("/").get_data(as_text=True)
    days = '<strong data-figure="days">2</strong> / <span data-figure="minimum">60</span>'
    assert days + " ngày đi cơ sở" in page
    assert "Đoàn xã A1" in page and "02/01/" in page


def test_supervisor_home_counts_visits_waiting_in_scope(app, client, auth, world):
    with app.app_context():
        make_visit(world.cadre, world.commune_a1)
        make_visit(world.cadre, world.commune_b1)  # outside district A, by a cadre of district A
        make_visit(world.cadre, world.commune_a2, status="approved")
        make_visit(world.supervisor, world.commune_a1)  # by someone outside district A
        make_visit(world.district_supervisor, world.commune_a1)  # one's own: not reviewed by oneself
        db.session.commit()
    auth.sign_in("supa")
    assert "<strong>2</strong> lượt đang chờ duyệt" in client.get("/").get_data(as_text=True)


def test_a_probationary_cadres_home_shows_the_placement_of_the_day(app, client, auth, world):
    from datetime import timedelta

    from server.planning.models import Placement

    on = today()
    with app.app_context():
        db.session.add(Placement(cadre_id=world.cadre, unit_id=world.commune_a2,
                                 start_date=on - timedelta(days=1), end_date=on + timedelta(days=5),
                                 tasks=["Dự sinh hoạt chi đoàn"]))
        db.session.commit()
    auth.sign_in("cadre")
    page = client.get("/").get_data(as_text=True)
    assert "Đợt tập sự tại Đoàn xã A2" in page and "Hôm nay là ngày 2/7" in page
    assert "còn 5 ngày sau hôm nay" in page and "Dự sinh hoạt chi đoàn" in page
    assert f"date={on.isoformat()}" in page and f"date={(on + timedelta(days=1)).isoformat()}" not in page
