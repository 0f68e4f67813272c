"""The hearing: open it, list the cadres the plan covers with their month and flags, record the
committee's conclusion and directions. Every change is audited; scope is the caller's check
(``server.hearings.scope``). Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.audit.services import record
from server.auth.models import Role, User
from server.extensions import db
from server.hearings import directions as direction_store
from server.hearings.figures import Figures, figures, last_visit_days, month_bounds, period_days
from server.hearings.models import Direction, DirectionState, Hearing, HearingCadre, MonthlyAccount
from server.planning.models import Assignment, Plan, PlanExemption
from server.time import today
from server.units.models import Unit, UnitKind
from server.units.services import current_units_query
from server.visits.models import Visit, visit_directions

#: a commune in a cadre's charge not visited for this many days is flagged
NOT_VISITED_DAYS = 90


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
    with the reason. Full-time cadres only (``minimum_days_for``'s rule); none without a plan."""
    plan = db.session.scalar(select(Plan).where(Plan.year == year))
    if plan is None:
        return [], []
    cadres = db.session.scalars(
        select(User).join(Unit, Unit.id == User.unit_id)
        .where(User.role == Role.CADRE, User.active.is_(True), User.is_full_time.is_(True),
               Unit.path.startswith(unit.path, autoescape=True))
        .order_by(User.full_name, User.id)).all()
    exemptions = {e.cadre_id: e for e in db.session.scalars(
        select(PlanExemption).where(PlanExemption.plan_id == plan.id))}
    covered, exempt = [], []
    for cadre in cadres:
        exemption = exemptions.get(cadre.id)
        if exemption is None:
            covered.append((cadre, plan.minimum_days))
        elif exemption.minimum_days is None:
            exempt.append((cadre, exemption.reason))
        else:
            covered.append((cadre, exemption.minimum_days))
    return covered, exempt


@dataclass
class Pace:
    days: int  # days so far this year, up to ``on``
    expected: float  # the minimum × the share of the year gone by ``on``
    minimum: int

    @property
    def behind(self) -> bool:
        return self.days < self.expected


def pace_on(cadre_ids: list[int], minimums: dict[int, int], on: date) -> dict[int, Pace]:
    """Days so far in ``on``'s year against the share of each cadre's minimum due by then."""
    first = date(on.year, 1, 1)
    share = ((on - first).days + 1) / ((date(on.year, 12, 31) - first).days + 1)
    days = period_days(cadre_ids, first, on)
    return {c: Pace(days.get(c, 0), round(minimums[c] * share, 1), minimums[c]) for c in cadre_ids}


@dataclass
class Neglected:
    unit: Unit
    last_visit: date | None  # None: never visited by this cadre


def neglected_units(cadre_ids: list[int], on: date) -> dict[int, list[Neglected]]:
    """By cadre: communes and wards in their charge on ``on`` that they have not visited for
    ``NOT_VISITED_DAYS`` days or more (or never). Two queries for any number of cadres."""
    charged = db.session.execute(
        select(Assignment.cadre_id, Unit).join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.cadre_id.in_(cadre_ids), Assignment.start_date <= on,
               (Assignment.end_date.is_(None)) | (Assignment.end_date >= on),
               Unit.kind.in_([UnitKind.COMMUNE, UnitKind.WARD]))
        .order_by(Unit.name)).all()
    last = last_visit_days(cadre_ids, {unit.id for _, unit in charged}, on)
    found: dict[int, list[Neglected]] = {cadre: [] for cadre in cadre_ids}
    seen: set[tuple[int, int]] = set()
    for cadre, unit in charged:
        day = last.get((cadre, unit.id))
        if (cadre, unit.id) not in seen and (day is None or (on - day).days >= NOT_VISITED_DAYS):
            found[cadre].append(Neglected(unit, day))
        seen.add((cadre, unit.id))
    return found


@dataclass
class CadreRow:
    """One cadre at a hearing: their month at a glance, flags, conclusion and directions."""

    cadre: User
    minimum: int
    month: Figures
    pace: Pace
    neglected: list[Neglected]
    account: MonthlyAccount | None
    conclusion: str
    #: directions given at this hearing, and those still open from earlier ones
    directions: list[Direction] = field(default_factory=list)
    earlier: list[Direction] = field(default_factory=list)

    @property
    def no_visit(self) -> bool:
        return self.month.visits == 0


def reference_day(month: date) -> date:
    """The day the pace and the 90 days are measured on: the month's end, or today if sooner."""
    return min(month_bounds(month)[1], today())


def hearing_rows(hearing: Hearing) -> tuple[list[CadreRow], list[tuple[User, str]]]:
    covered, exempt = covered_cadres(hearing.unit, hearing.month.year)
    ids = [cadre.id for cadre, _ in covered]
    first, last = month_bounds(hearing.month)
    month = figures(ids, first, last)
    on = reference_day(hearing.month)
    pace = pace_on(ids, {cadre.id: minimum for cadre, minimum in covered}, on)
    accounts = {a.cadre_id: a for a in db.session.scalars(select(MonthlyAccount).where(
        MonthlyAccount.cadre_id.in_(ids), MonthlyAccount.month == hearing.month))}
    conclusions = dict(db.session.execute(select(HearingCadre.cadre_id, HearingCadre.conclusion).where(
        HearingCadre.hearing_id == hearing.id)).all())
    neglected = neglected_units(ids, on)
    rows = {cadre.id: CadreRow(cadre, minimum, month[cadre.id], pace[cadre.id],
                               neglected[cadre.id], accounts.get(cadre.id),
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
    assignments, as ``recordable_unit_ids`` says), in tree order; two queries for all of them."""
    current = db.session.scalars(current_units_query(on).order_by(Unit.path)).all()
    assigned: dict[int, set[int]] = {}
    for cadre_id, unit_id in db.session.execute(
        select(Assignment.cadre_id, Assignment.unit_id).where(
            Assignment.cadre_id.in_([c.id for c in cadres]), Assignment.start_date <= on,
            (Assignment.end_date.is_(None)) | (Assignment.end_date >= on))
    ):
        assigned.setdefault(cadre_id, set()).add(unit_id)
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
