"""Which placement a probationary cadre's home shows: the written cases (placement_cases.json), run
here against the server's rule and in tests/browser/test_placement_offline.py against the phone's."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Placement
from server.units.models import Unit
from server.visits.queries import of_the_day, placement_of_the_day
from tests.factories import PASSWORD

CASES = json.loads((Path(__file__).parent / "placement_cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_written_cases(case):
    placements = [SimpleNamespace(id=p["id"], start_date=date.fromisoformat(p["start_date"]),
                                  end_date=date.fromisoformat(p["end_date"])) for p in case["placements"]]
    chosen = of_the_day(placements, date.fromisoformat(case["on"]))
    assert (chosen.id if chosen else None) == case["expected"]


def test_home_shows_the_placement_under_way_then_the_next(app, world):
    with app.app_context():
        tapsu = create_user("tapsu", "Tập Sự Thử", PASSWORD, db.session.get(Unit, world.district_a),
                            Role.CADRE, is_probationary=True, is_full_time=False)
        start = date(2025, 3, 10)
        first, second = (Placement(cadre=tapsu, unit_id=world.commune_a1, tasks=[], start_date=day,
                                   end_date=day + timedelta(days=6))
                         for day in (start, start + timedelta(days=28)))
        db.session.add_all([first, second])
        db.session.flush()
        assert placement_of_the_day(tapsu, start + timedelta(days=6)).placement.id == first.id
        assert placement_of_the_day(tapsu, start + timedelta(days=7)).placement.id == second.id
        assert placement_of_the_day(tapsu, start + timedelta(days=34)).placement.id == second.id
        assert placement_of_the_day(tapsu, start + timedelta(days=35)) is None
