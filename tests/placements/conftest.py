"""Two probationary cadres of district A: ``tapsu`` with a placement this week (``current``), one
that ended 31 days ago (``ended``: its closing report can no longer change) and one starting
tomorrow (``coming``); ``tapsu2`` with a placement this week (``theirs``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.closing import DAYS_AFTER_END
from server.planning.models import Placement
from server.time import today
from server.units.models import Unit
from tests.factories import PASSWORD

TASKS = ["Tìm hiểu tình hình Đoàn xã", "Dự sinh hoạt chi đoàn thôn", "Viết báo cáo thu hoạch"]


@dataclass(frozen=True)
class Placements:
    tapsu: int
    tapsu2: int
    current: int
    ended: int
    coming: int
    theirs: int


@pytest.fixture
def placements(app, world) -> Placements:
    with app.app_context():
        district_a = db.session.get(Unit, world.district_a)
        people = [create_user(name, full, PASSWORD, district_a, Role.CADRE, is_probationary=True,
                              is_full_time=False)
                  for name, full in (("tapsu", "Tập Sự Một"), ("tapsu2", "Tập Sự Hai"))]
        on = today()  # Vietnam's calendar, as the app's: the machine's (UTC) is a day behind 17-24 h UTC

        def placement(cadre, start: date) -> Placement:
            return Placement(cadre=cadre, unit_id=world.commune_a1, start_date=start,
                             end_date=start + timedelta(days=6), tasks=list(TASKS), mentor_name="Bí thư xã")

        rows = [placement(people[0], on - timedelta(days=4)),
                placement(people[0], on - timedelta(days=DAYS_AFTER_END + 7)),
                placement(people[0], on + timedelta(days=1)),
                placement(people[1], on - timedelta(days=4))]
        db.session.add_all(rows)
        db.session.commit()
        return Placements(people[0].id, people[1].id, *(p.id for p in rows))
