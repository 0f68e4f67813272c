"""The hearing: open it, list the cadres the plan covers with their month and flags, record the
committee's conclusion and directions. Every change is audited; scope is the caller's check
(``server.hearings.scope``). Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from server.audit.services import record
from server.auth.models import User
from server.extensions import db
from server.hearings import directions as direction_store
from server.hearings.figures import Figures, figures, month_bounds
from server.hearings.models import Direction, DirectionState, Hearing, HearingCadre, MonthlyAccount
from server.paging import ListPage, page_of
from server.planning.models import Assignment
from server.planning.services import plan_for_year
from server.regime.coverage import Obligation, obligations
from server.regime.neglect import Charge
from server.regime.pace import Pace
from server.regime.standing import Standing, standings
from server.time import today
from server.units.models import Unit
from server.units.services import current_units_query
from server.units.tree import units_in_tree_order
from server.visits.models import Visit, visit_directions


class HearingExists(Exception):
    """The unit already has a hearing for that month."""

    def __init__(self, hearing: Hearing):
        super().__init__(f"hearing {hearing.id}")
        self.hearing = hearing


def open_hearing(actor: User, unit: Unit, month: date, held_on: date, chair: str,
                 document_number: str | None = None) -> Hearing:
    month = month.replace(day=1)
    existing = db.session.scalar(select(Hearing).where(Hearing.unit_id == unit.id, Hearing.month == month))
    if existing is not None:
        raise HearingExists(existing)
    hearing = Hearing(month=month, unit_id=unit.id, held_on=held_on, chair=chair.strip(),
                      document_number=(document_number or "").strip() or None, created_by_id=actor.id)
    db.session.add(hearing)
    db.session.flush()
    record("hearing_opened", "hearing", hearing.id, actor.id, unit_id=unit.id, month=month.isoformat(),
           held_on=held_on.isoformat(), chair=hearing.chair)
    return hearing


def covered_cadres(unit: Unit, year: int) -> tuple[list[tuple[User, int]], list[tuple[User, str]]]:
    """The cadres of the subtree the year's plan covers, with their minimum; and the exempt ones
    with the reason (the regime's rule, ``server.regime.coverage``); none without a plan."""
    heard, exempt = heard_cadres(unit, year)
    return _with_users([(o.cadre_id, o.minimum) for o in heard]), \
        _with_users([(o.cadre_id, o.exemption_reason or "") for o in exempt])


def heard_cadres(unit: Unit, year: int) -> tuple[list[Obligation], list[Obligation]]:
    """The hearing's order of the cadres it hears (by name), and the exempt ones: the regime's
    obligations only, no user loaded (a province has thousands; a page shows a few)."""
    plan = plan_for_year(year)
    if plan is None:
        return [], []
    ordered = sorted(obligations(plan, unit), key=lambda o: (o.full_name, o.cadre_id))
    return [o for o in ordered if not o.exempt], [o for o in ordered if o.exempt]


def _with_users(pairs: list[tuple[int, Any]]) -> list[tuple[User, Any]]:
    users = {u.id: u for u in db.session.scalars(
        select(User).options(selectinload(User.unit)).where(User.id.in_([cadre for cadre, _ in pairs])))}
    return [(users[cadre], value) for cadre, value in pairs]


@dataclass(frozen=True)
class HearingPage:
    """A page of a hearing: ``PAGE_SIZE`` of the cadres it hears, in its order, with their summary
    rows and their sections (a province hears thousands; every figure and form is of this page's
    cadres only, so a page costs the same at any size). ``cadres.items``: (cadre, minimum)."""

    cadres: ListPage
    exempt: list[tuple[User, str]]


#: cadres per page of a hearing: a provincial committee hears a few dozen, which fit on one page
PAGE_SIZE = 25


def hearing_page(hearing: Hearing, number: int) -> HearingPage | None:
    """Page ``number`` (from 1) of the hearing; None past the last (the first always exists)."""
    heard, exempt = heard_cadres(hearing.unit, hearing.month.year)
    chosen = page_of(heard, number, PAGE_SIZE)
    if chosen is None:
        return None
    cadres = _with_users([(o.cadre_id, o.minimum) for o in chosen.items])
    # the exempt are listed once, under the first page's summary
    return HearingPage(replace(chosen, items=cadres),
                       _with_users([(o.cadre_id, o.exemption_reason or "") for o in exempt])
                       if number == 1 else [])


def page_holding(hearing: Hearing, cadre_id: int) -> int:
    """The page of the hearing that holds the cadre's section (the first when not heard)."""
    heard, _ = heard_cadres(hearing.unit, hearing.month.year)
    ids = [o.cadre_id for o in heard]
    return ids.index(cadre_id) // PAGE_SIZE + 1 if cadre_id in ids else 1


@dataclass
class CadreRow:
    """One cadre at a hearing: their month at a glance, flags, conclusion and directions."""

    cadre: User
    minimum: int
    month: Figures
    #: the year up to the reference day: pace, weeks, units flagged for 90 days
    year: Standing
    account: MonthlyAccount | None
    conclusion: str
    #: directions given at this hearing, and those still open from earlier ones
    directions: list[Direction] = field(default_factory=list)
    earlier: list[Direction] = field(default_factory=list)

    @property
    def no_visit(self) -> bool:
        return self.month.visits == 0

    @property
    def pace(self) -> Pace:
        pace = self.year.pace
        assert pace is not None, "a covered cadre has a minimum"
        return pace

    @property
    def neglected(self) -> list[Charge]:
        return self.year.neglected


def reference_day(month: date) -> date:
    """The day the pace and the 90 days are measured on: the month's end, or today if sooner."""
    return min(month_bounds(month)[1], today())


def hearing_rows(hearing: Hearing, covered: list[tuple[User, int]] | None = None,
                 ) -> tuple[list[CadreRow], list[tuple[User, str]]]:
    """The rows of ``covered`` (cadre, minimum), by default every cadre the hearing hears, with the
    exempt ones when all are asked; a fixed number of set-based queries whatever their number."""
    exempt: list[tuple[User, str]] = []
    if covered is None:
        covered, exempt = covered_cadres(hearing.unit, hearing.month.year)
    ids = [cadre.id for cadre, _ in covered]
    first, last = month_bounds(hearing.month)
    month = figures(ids, first, last)
    on = reference_day(hearing.month)
    years = standings(ids, on)
    accounts = {a.cadre_id: a for a in db.session.scalars(select(MonthlyAccount).where(
        MonthlyAccount.cadre_id.in_(ids), MonthlyAccount.month == hearing.month))}
    conclusions = dict(db.session.execute(select(HearingCadre.cadre_id, HearingCadre.conclusion).where(
        HearingCadre.hearing_id == hearing.id, HearingCadre.cadre_id.in_(ids))).all())
    rows = {cadre.id: CadreRow(cadre, minimum, month[cadre.id], years[cadre.id], accounts.get(cadre.id),
                               conclusions.get(cadre.id, ""))
            for cadre, minimum in covered}
    for direction in db.session.scalars(
        select(Direction).join(Hearing, Hearing.id == Direction.hearing_id)
        .options(selectinload(Direction.unit), selectinload(Direction.topic))
        .where(Direction.cadre_id.in_(ids), Hearing.month <= hearing.month)
        .order_by(Direction.due_date, Direction.id)
    ):
        row = rows[direction.cadre_id]
        if direction.hearing_id == hearing.id:
            row.directions.append(direction)
        elif direction.state == DirectionState.OPEN or _done_since(direction, first):
            row.earlier.append(direction)  # from an earlier hearing: still open, or closed lately
    return list(rows.values()), exempt


def visitable_units(cadres: list[User], on: date) -> dict[int, list[Unit]]:
    """By cadre: the current units they may record visits for on ``on`` (their subtree and their
    assignments, as ``recordable_unit_ids`` says), in tree order; two queries for all of them,
    reading only the units within their reach (a province has thousands)."""
    assigned: dict[int, set[int]] = {}
    for cadre_id, unit_id in db.session.execute(
        select(Assignment.cadre_id, Assignment.unit_id).where(
            Assignment.cadre_id.in_([c.id for c in cadres]), Assignment.start_date <= on,
            (Assignment.end_date.is_(None)) | (Assignment.end_date >= on))
    ):
        assigned.setdefault(cadre_id, set()).add(unit_id)
    if not cadres:
        return {}
    reach = or_(Unit.id.in_(set().union(*assigned.values())),
                *(Unit.path.startswith(path, autoescape=True) for path in {c.unit.path for c in cadres}))
    current = units_in_tree_order(db.session.scalars(current_units_query(on).where(reach)))
    return {c.id: [u for u in current if u.path.startswith(c.unit.path) or u.id in assigned.get(c.id, ())]
            for c in cadres}


def _done_since(direction: Direction, first: date) -> bool:
    return direction.done_at is not None and direction.done_at.date() >= first


def visits_for_directions(direction_ids: list[int]) -> dict[int, list[Visit]]:
    """The visits that say they carry out each direction."""
    found: dict[int, list[Visit]] = {}
    if not direction_ids:
        return found
    for direction_id, visit in db.session.execute(
        select(visit_directions.c.direction_id, Visit).join(Visit, Visit.id == visit_directions.c.visit_id)
        .options(selectinload(Visit.unit))
        .where(visit_directions.c.direction_id.in_(direction_ids)).order_by(Visit.start_date)
    ):
        found.setdefault(direction_id, []).append(visit)
    return found


def save_conclusion(hearing: Hearing, cadre: User, text: str, actor: User) -> HearingCadre:
    entry = db.session.scalar(select(HearingCadre).where(
        HearingCadre.hearing_id == hearing.id, HearingCadre.cadre_id == cadre.id))
    if entry is None:
        entry = HearingCadre(hearing_id=hearing.id, cadre_id=cadre.id, conclusion="")
        db.session.add(entry)
    before = entry.conclusion
    entry.conclusion = text.strip()
    db.session.flush()
    record("hearing_conclusion", "hearing", hearing.id, actor.id, cadre_id=cadre.id,
           before=before, after=entry.conclusion)
    return entry


def update_conclusion(hearing: Hearing, cadre: User, text: str, actor: User) -> bool:
    """Save the conclusion if it differs from the stored one (it travels with every direction
    added, mostly unchanged: no audit entry then); whether it was saved."""
    stored = db.session.scalar(select(HearingCadre.conclusion).where(
        HearingCadre.hearing_id == hearing.id, HearingCadre.cadre_id == cadre.id)) or ""
    if stored == text.strip():
        return False
    save_conclusion(hearing, cadre, text, actor)
    return True


def give_direction(hearing: Hearing, cadre: User, actor: User, *, text: str, due_date: date,
                   unit_id: int | None, topic_id: int | None) -> Direction:
    return direction_store.create(hearing_id=hearing.id, cadre_id=cadre.id, text=text.strip(),
                                  due_date=due_date, unit_id=unit_id, topic_id=topic_id, actor_id=actor.id)


def default_due_date(hearing: Hearing) -> date:
    """The end of the month after the hearing: the next hearing looks at it."""
    return month_bounds(month_bounds(hearing.held_on)[1] + timedelta(days=1))[1]


def previous_month_text(day: date) -> str:
    first = day.replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def next_month_text(day: date) -> str:
    return (month_bounds(day)[1] + timedelta(days=1)).strftime("%Y-%m")
