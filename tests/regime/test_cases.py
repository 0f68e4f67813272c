"""The regime's written cases (cases.json) against the server's SQL: the same cases run against the
phone's implementation in tests/browser/test_regime_phone.py, so the two cannot drift."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from server.extensions import db
from server.regime.counting import Counting
from server.regime.days import figures, weeks_with_a_day
from server.regime.neglect import is_neglected
from server.regime.pace import expected_days
from server.regime.sql import day_of
from tests.factories import make_visit

CASES = json.loads((Path(__file__).parent / "cases.json").read_text())


@pytest.mark.parametrize("case", CASES["days"], ids=[c["name"] for c in CASES["days"]])
def test_days_and_weeks(app, world, case):
    first, last = date.fromisoformat(case["first"]), date.fromisoformat(case["last"])
    with app.app_context():
        for visit in case["visits"]:
            start, end = date.fromisoformat(visit["start_date"]), date.fromisoformat(visit["end_date"])
            make_visit(world.cadre, world.commune_a1, start, days=(end - start).days + 1,
                       status=visit["status"])
        db.session.commit()
        for counting in Counting:
            expected = case["expected"][counting.value]
            got = figures([world.cadre], first, last, counting)[world.cadre]
            weeks = weeks_with_a_day([world.cadre], first, last, counting)[world.cadre]
            assert got.days == expected["days"], counting
            assert got.weeks == len(expected["weeks"]), counting
            assert sorted(max(day_of(w * 7), first).isoformat() for w in weeks) == expected["weeks"], counting


@pytest.mark.parametrize("case", CASES["pace"], ids=lambda c: f"{c['minimum']}@{c['on']}")
def test_pace(case):
    assert expected_days(case["minimum"], date.fromisoformat(case["on"])) == Decimal(str(case["expected"]))


@pytest.mark.parametrize("case", CASES["neglect"], ids=lambda c: f"{c['last_visit']}@{c['on']}")
def test_ninety_day_flag(case):
    last = date.fromisoformat(case["last_visit"]) if case["last_visit"] else None
    assert is_neglected(last, date.fromisoformat(case["on"])) is case["neglected"]
