"""A cadre's year so far, as every screen shows it: days against the minimum, the pace, the weeks
with a grassroots day, the units flagged for 90 days. A few queries for any number of cadres."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from server.auth.models import User
from server.regime.counting import EVALUATION, WORKING, Counting
from server.regime.coverage import Obligation, obligations, plan_for_year
from server.regime.days import figures, weeks_with_a_day
from server.regime.neglect import Charge, charges
from server.regime.pace import Pace, pace
from server.regime.sql import day_of, week_number


@dataclass(frozen=True)
class Week:
    number: int  # sql.week_number of its days
    first: date  # its Monday, or 1 January
    active: bool  # at least one counted day at the grassroots


def weeks_of(year: int, on: date, active: set[int]) -> list[Week]:
    """The weeks of ``year`` up to ``on``'s (Monday to Sunday; the first one starts on 1 January)."""
    start = date(year, 1, 1)
    return [Week(n, max(start, day_of(n * 7)), n in active)
            for n in range(week_number(start), week_number(on) + 1)]


@dataclass(frozen=True)
class Standing:
    year: int
    on: date
    #: what the plan asks of the cadre; None: no plan for the year, or the plan does not cover them
    obligation: Obligation | None
    #: days in the year up to ``on``, counting approved and submitted visits (``WORKING``)
    days: int
    #: of which on approved visits (``EVALUATION``): what the year-end evaluation counts
    days_approved: int
    weeks: list[Week]
    charges: list[Charge]
    counting: Counting = WORKING

    @property
    def minimum(self) -> int | None:
        return self.obligation.minimum if self.obligation else None

    @property
    def pace(self) -> Pace | None:
        return pace(self.days, self.minimum, self.on) if self.minimum is not None else None

    @property
    def active_weeks(self) -> int:
        return sum(1 for w in self.weeks if w.active)

    @property
    def neglected(self) -> list[Charge]:
        return [c for c in self.charges if c.neglected(self.on)]

    @property
    def percent(self) -> int:
        """Days against the minimum for a progress bar, at most 100."""
        if not self.minimum:
            return 100
        return min(100, 100 * self.days // self.minimum)


def standings(cadre_ids: Iterable[int], on: date) -> dict[int, Standing]:
    """Each cadre's year up to ``on``."""
    cadre_ids = list(cadre_ids)
    plan = plan_for_year(on.year)
    owed = {o.cadre_id: o for o in obligations(plan, cadre_ids=cadre_ids)} if plan and cadre_ids else {}
    first = date(on.year, 1, 1)
    working = figures(cadre_ids, first, on, WORKING, plan, units=False)
    approved = figures(cadre_ids, first, on, EVALUATION, plan, units=False)
    active = weeks_with_a_day(cadre_ids, first, on, WORKING)
    charged = charges(cadre_ids, on, WORKING) if cadre_ids else {}
    return {c: Standing(on.year, on, owed.get(c), working[c].days, approved[c].days,
                        weeks_of(on.year, on, active[c]), charged.get(c, []))
            for c in cadre_ids}


def standing(user: User, on: date) -> Standing:
    return standings([user.id], on)[user.id]


def year_end(year: int, on: date) -> date:
    """The day a year's standing is measured on: its last day, or ``on`` if sooner."""
    return min(date(year, 12, 31), on)


