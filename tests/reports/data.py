"""A small hand-built year (2024, a leap year) whose right answers the tests write out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Plan, PlanExemption
from server.units.models import Unit
from tests.factories import PASSWORD, World, make_visit


def on_time(end: date) -> datetime:
    """Received the day after the visit ended."""
    return datetime(end.year, end.month, end.day, 3, tzinfo=UTC) + timedelta(days=1)


def visit(cadre: int, unit: int, start: date, days: int, status: str = "approved", form: str = "survey",
          received: datetime | None = None, **fields):
    end = start + timedelta(days=days - 1)
    return make_visit(cadre, unit, start=start, days=days, status=status, form=form,
                      received_at=received or on_time(end), **fields)


@dataclass(frozen=True)
class YearWorld:
    plan: int
    cadre_b: int


def build_year(world: World) -> YearWorld:
    """Plan 2024, minimum 10 days.

    cadre (district A), approved: 30/12/2023–02/01/2024 (2 days in 2024), 28/02–01/03 (leap day
    included, 3 days) overlapping 01/03–02/03 (together 4 days, not 5), 31/12/2024–02/01/2025 (1 day
    in 2024) → 7 days; late: 01/03–02/03 received 12/03 17:00 UTC = 13/03 00:00 in Hanoi, and
    31/12–02/01 received 12/01 17:30 UTC; on time: 28/02–01/03 received 11/03 16:59 UTC (23:59 in
    Hanoi, the last on-time minute). Submitted: 31/05–01/06 (2 days, meeting, at B1). Returned:
    01/07–05/07 (never counts).
    other_cadre: minimum lowered to 1 by an exemption; one approved day 10/06 → met.
    sup: fully exempt. supa: covered, no visits. cadre_b (district B): 12 approved days → met.
    A probationary cadre and the admin are not covered.
    """
    province = db.session.get(Unit, world.province)
    district_b = db.session.get(Unit, world.district_b)
    plan = Plan(year=2024, title="Kế hoạch đi cơ sở năm 2024", minimum_days=10)
    db.session.add(plan)
    db.session.flush()
    plan.exemptions.append(PlanExemption(cadre_id=world.other_cadre, reason="Nghỉ thai sản", minimum_days=1))
    # supervisors' accounts are never covered (the regime's rule): this exemption changes nothing
    plan.exemptions.append(PlanExemption(cadre_id=world.supervisor, reason="Đi học", minimum_days=None))
    student = create_user("student", "Cán Bộ Đi Học", PASSWORD, province, Role.CADRE)
    db.session.flush()
    plan.exemptions.append(PlanExemption(cadre_id=student.id, reason="Đi học", minimum_days=None))
    cadre_b = create_user("cadreb", "Cán Bộ Huyện B", PASSWORD, district_b, Role.CADRE)
    trainee = create_user("trainee", "Dự Bị Thử", PASSWORD, province, Role.CADRE)
    trainee.is_probationary = True
    c, a1, a2, b1 = world.cadre, world.commune_a1, world.commune_a2, world.commune_b1
    visit(c, a1, date(2023, 12, 30), 4)
    visit(c, a1, date(2024, 2, 28), 3, form="activity", received=datetime(2024, 3, 11, 16, 59, tzinfo=UTC))
    visit(c, a2, date(2024, 3, 1), 2, received=datetime(2024, 3, 12, 17, 0, tzinfo=UTC))
    visit(c, b1, date(2024, 5, 31), 2, status="submitted", form="meeting")
    visit(c, a1, date(2024, 7, 1), 5, status="returned")
    visit(c, a1, date(2024, 12, 31), 3, form="inspection", received=datetime(2025, 1, 12, 17, 30, tzinfo=UTC))
    visit(world.other_cadre, a1, date(2024, 6, 10), 1)
    visit(cadre_b.id, b1, date(2024, 4, 1), 12, form="activity")
    visit(trainee.id, a1, date(2024, 4, 1), 3)
    db.session.flush()
    assert province is not None
    return YearWorld(plan.id, cadre_b.id)
