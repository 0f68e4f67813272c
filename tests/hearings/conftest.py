"""A hand-built October 2025 whose right answers are written in the tests.

Plan 2025: 60 days. In district A: ``cadre`` (assigned to commune B1 since 2020 and to A2 since
2025-06-01), ``cadre2`` (no visit at all; assigned to A1 since 2025-01-01), ``cadre3`` (fully
exempt), ``cadre4`` (exemption: 5 days; assigned to A1 since 2025-01-01). Visits of ``cadre``:

- v1 29/09–02/10 survey at A1, topic, received 03/10, approved: 2 days in Sept, 2 in Oct;
- v2 10/10 meeting at A2, received 21/10 10:00 Vietnam time (11 days after: late), returned;
- v3 31/10–01/11 inspection at B1, received 11/11 23:30 Vietnam time (10 days after: on time).

``cadre4``: one visit 01/03–06/03 at A1 (6 days), nothing in October.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from server.auth.models import Role, User
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Assignment, Plan, PlanExemption
from server.units.models import Unit
from server.visits.models import VisitStatus
from tests.factories import PASSWORD, make_visit, review_visit


@dataclass(frozen=True)
class October:
    cadre3: int
    cadre4: int
    v1: str
    v2: str
    v3: str


@pytest.fixture
def october(app, world) -> October:
    with app.app_context():
        district_a = db.session.get(Unit, world.district_a)
        cadre3 = create_user("cadre3", "Cán Bộ Miễn", PASSWORD, district_a, Role.CADRE)
        cadre4 = create_user("cadre4", "Cán Bộ Giảm", PASSWORD, district_a, Role.CADRE)
        plan = Plan(year=2025, title="Kế hoạch thử 2025", minimum_days=60)
        db.session.add(plan)
        db.session.flush()
        db.session.add_all([
            PlanExemption(plan_id=plan.id, cadre_id=cadre3.id, reason="Đi học dài hạn", minimum_days=None),
            PlanExemption(plan_id=plan.id, cadre_id=cadre4.id, reason="Nghỉ thai sản", minimum_days=5),
            Assignment(cadre_id=world.cadre, unit_id=world.commune_a2, start_date=date(2025, 6, 1)),
            Assignment(cadre_id=world.other_cadre, unit_id=world.commune_a1, start_date=date(2025, 1, 1)),
            Assignment(cadre_id=cadre4.id, unit_id=world.commune_a1, start_date=date(2025, 1, 1)),
        ])
        v1 = make_visit(world.cadre, world.commune_a1, date(2025, 9, 29), days=4, form="survey",
                        topics=[world.topic], received_at=datetime(2025, 10, 3, 2, 0, tzinfo=UTC)).id
        v2 = make_visit(world.cadre, world.commune_a2, date(2025, 10, 10), form="meeting",
                        received_at=datetime(2025, 10, 21, 3, 0, tzinfo=UTC)).id
        v3 = make_visit(world.cadre, world.commune_b1, date(2025, 10, 31), days=2, form="inspection",
                        received_at=datetime(2025, 11, 11, 16, 30, tzinfo=UTC)).id
        make_visit(cadre4.id, world.commune_a1, date(2025, 3, 1), days=6,
                   received_at=datetime(2025, 3, 7, 2, 0, tzinfo=UTC))
        review_visit(v1, world.supervisor, VisitStatus.APPROVED)
        review_visit(v2, world.supervisor, VisitStatus.RETURNED, "Bổ sung biên bản")
        assert db.session.get(User, cadre4.id).is_full_time
        db.session.commit()
        return October(cadre3.id, cadre4.id, str(v1), str(v2), str(v3))
