"""The year-end evaluation against a plan: per cadre days, weeks, visits, units, late reports, with
the minimum and the exemption's reason; a summary. Every figure is the regime's
(``server.regime``), computed by SQL aggregation; Python only shapes the per-cadre rows.

The summary and the charts are of every covered cadre; the rows are every cadre's (the exports) or
one page of them (the page): a page asks the regime for its own cadres' figures only, and for
everyone's days, which is all the summary needs of each cadre besides the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from server.extensions import db
from server.paging import ListPage, page_of
from server.planning.models import Plan
from server.regime.counting import Counting, share
from server.regime.coverage import Obligation, obligations
from server.regime.days import FORMS, DayFigures, counted_visits, days_query, figures, figures_query, from_row
from server.regime.sql import week_number
from server.reports.sql import later_of
from server.time import today
from server.units.models import Unit


@dataclass(slots=True)
class CadreRow:
    cadre_id: int
    full_name: str
    unit_name: str
    #: None: fully exempt for the plan's year
    minimum_days: int | None
    exemption_reason: str | None
    days: int
    visits: int
    by_form: dict[str, int]
    units_visited: int
    late: int
    weeks: int
    back_entered: int

    @property
    def met(self) -> bool | None:
        return _met(self.minimum_days, self.days)


def _met(minimum: int | None, days: int) -> bool | None:
    """Whether ``days`` meet ``minimum`` (None: exempt, nothing to meet)."""
    return None if minimum is None else days >= minimum


@dataclass(frozen=True)
class YearSummary:
    covered: int
    exempt: int
    with_a_visit: int
    meeting_minimum: int
    visits: int
    days: int
    late: int
    back_entered: int
    #: weeks of the year up to the day it is measured on (the weeks column's denominator)
    weeks_so_far: int
    visits_by_form: dict[str, int]
    days_by_form: dict[str, int]
    #: each covered cadre's days who is not exempt, in the report's order (the days histogram)
    days_of_covered: list[int] = field(default_factory=list)

    def share(self, count: int) -> Decimal:
        return share(count, self.covered)


@dataclass(frozen=True)
class YearReport:
    plan: Plan
    unit: Unit
    counting: Counting
    #: every covered cadre's row, or one page of them (``page``)
    rows: list[CadreRow]
    summary: YearSummary
    visits_by_month: dict[int, dict[str, int]] = field(default_factory=dict)
    #: the page ``rows`` are (None: they are every row)
    page: ListPage | None = None


@dataclass(frozen=True)
class _Totals:
    """The year's counted visits of every covered cadre, summed: what the summary and the month
    chart need beyond each cadre's days."""

    by_month: dict[int, dict[str, int]]
    visits_by_form: dict[str, int]
    days_by_form: dict[str, int]
    late: int
    back_entered: int


def year_report(plan: Plan, unit: Unit, counting: Counting, on: date | None = None,
                page: int | None = None, per_page: int | None = None) -> YearReport | None:
    """The report of every covered cadre of ``unit``'s subtree; with ``page``, its rows are that
    page of them, ``per_page`` a page (None: there is no such page). ``on`` (default: today) bounds
    the weeks so far: every week of a past year, this year's up to today.

    The regime's figures of the rows' cadres; every covered cadre's days, read apart for a page
    (the whole report has them in its rows); the year's totals by month and form."""
    assert (page is None) == (per_page is None), "a page needs its size"
    first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
    on = max(first, min(on or today(), last))
    cadres = obligations(plan, unit)
    shown = None if page is None else page_of(cadres, page, per_page)
    if page is not None and shown is None:
        return None
    if shown is None:
        query = figures_query(first, last, counting, plan=plan, unit=unit)
        found = {row["key"]: from_row(row) for row in db.session.execute(query).mappings()}
        days = {cadre: f.days for cadre, f in found.items()}
    else:
        found = figures((c.cadre_id for c in shown.items), first, last, counting, plan=plan)
        per_day = days_query(first, last, counting, plan=plan, unit=unit).subquery()
        days = dict(db.session.execute(select(per_day.c.key, per_day.c.days)).all())
    rows = [_row(cadre, found.get(cadre.cadre_id) or DayFigures())
            for cadre in (cadres if shown is None else shown.items)]
    totals = _totals(counted_visits(first, last, counting, plan=plan, unit=unit), plan.year)
    weeks_so_far = week_number(on) - week_number(first) + 1
    summary = _summary(cadres, days, totals, weeks_so_far)
    return YearReport(plan, unit, counting, rows, summary, totals.by_month,
                      None if shown is None else ListPage(rows, shown.page, shown.per_page, shown.total))


def _row(cadre: Obligation, found: DayFigures) -> CadreRow:
    return CadreRow(cadre.cadre_id, cadre.full_name, cadre.unit_name, cadre.minimum, cadre.exemption_reason,
                    found.days, found.visits, found.by_form, found.units, found.late, found.weeks,
                    found.back_entered)


def _summary(cadres: list[Obligation], days: dict[int, int], totals: _Totals,
             weeks_so_far: int) -> YearSummary:
    """Every covered cadre's days (absent: none) and the totals, summed up. A cadre has a counted
    visit in the year exactly when they have a counted day in it (a visit counts for the days it
    covers in the year, at least one), so the days say who has a visit."""
    owing = [(c.minimum, days.get(c.cadre_id, 0)) for c in cadres if c.minimum is not None]
    return YearSummary(
        covered=len(owing), exempt=len(cadres) - len(owing),
        with_a_visit=sum(1 for _, n in owing if n), meeting_minimum=sum(1 for m, n in owing if _met(m, n)),
        visits=sum(totals.visits_by_form.values()), days=sum(days.get(c.cadre_id, 0) for c in cadres),
        late=totals.late, back_entered=totals.back_entered, weeks_so_far=weeks_so_far,
        visits_by_form=totals.visits_by_form, days_by_form=totals.days_by_form,
        days_of_covered=[n for _, n in owing])


def _totals(visits, year: int) -> _Totals:
    """Visits per month of their (clipped) start date and form, for the stacked bar chart; each
    form's visits and days (each visit's own days, not merged across visits); late and back-entered
    reports. Grouped by day, folded into months here: a plain GROUP BY on the date spares the
    database a month extraction on every visit (a province at 1M visits: 65 → 51 ms on PostgreSQL)."""
    start = later_of(visits.c.start_date, date(year, 1, 1))
    table = {m: dict.fromkeys(FORMS, 0) for m in range(1, 13)}
    visits_by_form, days_by_form = dict.fromkeys(FORMS, 0), dict.fromkeys(FORMS, 0)
    late = back_entered = 0
    for day, form, count, days, late_ones, back in db.session.execute(
            select(start, visits.c.form, func.count(), func.sum(visits.c.e - visits.c.s + 1),
                   func.sum(visits.c.late), func.sum(visits.c.back_entered))
            .group_by(start, visits.c.form)):
        month = (day if isinstance(day, date) else date.fromisoformat(day)).month
        table[month][form] += int(count)
        visits_by_form[form] += int(count)
        days_by_form[form] += int(days or 0)
        late += int(late_ones or 0)
        back_entered += int(back or 0)
    return _Totals(table, visits_by_form, days_by_form, late, back_entered)


def plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.year.desc())))
