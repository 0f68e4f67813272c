"""Build the demo data set through get-or-create by natural keys, so loading twice adds nothing."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from server.auth.models import Role, User
from server.auth.services import create_user
from server.db import utcnow
from server.demo import data
from server.demo.photos import add_demo_photos
from server.documents.letterhead import own_settings, save_settings
from server.extensions import db
from server.hearings import directions as direction_store
from server.hearings.figures import month_bounds
from server.hearings.models import DirectionState, Hearing
from server.hearings.services import give_direction, open_hearing, save_conclusion
from server.planning.models import Assignment, Placement, PlacementReport, Plan, PlanExemption
from server.review.models import ReviewAction
from server.review.services import review
from server.time import LOCAL_ZONE, today
from server.units.models import Unit, UnitKind
from server.units.services import create_unit
from server.visits import store
from server.visits.models import Topic, Visit, VisitForm, VisitStatus

DEMO_NAMESPACE = uuid.UUID("6f1c1d2e-8a63-4b55-9d0e-2f4a4c0d5e77")
REORGANISATION = date(2025, 7, 1)


def load_demo_data() -> dict[str, int]:
    """Load (or complete) the demo data set; return how many rows of each kind were added."""
    added = {"units": 0, "users": 0, "topics": 0, "visits": 0, "closing reports": 0, "hearings": 0,
             "photos": 0}
    province, units = _units(added)
    if own_settings(province) is None:
        save_settings(province, **data.LETTERHEAD)
    topics = _topics(added)
    staff = _people(province, added)
    _plan(staff["cadres"])
    _assignments(staff["cadres"], units)
    placements = _placements(staff["probationary"], units)
    _visits(staff, units, topics, placements, added)
    _closing_reports(placements, added)
    _hearing(staff, province, units, topics, added)
    added["photos"] += add_demo_photos(DEMO_NAMESPACE)
    return added


def _units(added: dict[str, int]) -> tuple[Unit, list[Unit]]:
    def get_or_create(name: str, kind: str, code: str, parent: Unit | None, **dates) -> Unit:
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            unit = create_unit(name, kind, parent=parent, code=code, **dates)
            added["units"] += 1
        return unit

    name, code = data.PROVINCE
    province = get_or_create(name, UnitKind.PROVINCE, code, None)
    units = [
        get_or_create(f"Đoàn phường {ward}", UnitKind.WARD, f"20-P{n:02d}", province,
                      valid_from=REORGANISATION)
        for n, ward in enumerate(data.WARDS, start=1)
    ] + [
        get_or_create(f"Đoàn xã {commune}", UnitKind.COMMUNE, f"20-X{n:02d}", province,
                      valid_from=REORGANISATION)
        for n, commune in enumerate(data.COMMUNES, start=1)
    ]
    by_name = {u.name: u for u in units}
    for n, district in enumerate(data.FORMER_DISTRICTS, start=1):
        former = get_or_create(f"Huyện đoàn {district}", UnitKind.DISTRICT, f"20-H{n:02d}", province,
                               valid_to=REORGANISATION - timedelta(days=1))
        former.successor = by_name.get(f"Đoàn xã {district}")
    return province, units


def _topics(added: dict[str, int]) -> list[Topic]:
    topics = []
    for name_vi, name_en in data.TOPICS:
        topic = db.session.scalar(select(Topic).where(Topic.name_vi == name_vi))
        if topic is None:
            topic = Topic(name_vi=name_vi, name_en=name_en)
            db.session.add(topic)
            added["topics"] += 1
        topics.append(topic)
    db.session.flush()
    return topics


def _people(province: Unit, added: dict[str, int]) -> dict[str, list[User]]:
    def get_or_create(person: tuple[str, str, str], role: str, unit: Unit | None = None, **flags) -> User:
        username, full_name, position = person
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(username, full_name, data.DEMO_PASSWORD, unit or province, role,
                               position=position, **flags)
            added["users"] += 1
        return user

    return {
        "admin": [get_or_create(data.ADMIN, Role.ADMIN, is_full_time=False)],
        "supervisors": [get_or_create(p, Role.SUPERVISOR) for p in data.SUPERVISORS],
        "local_supervisors": [
            get_or_create((username, name, position), Role.SUPERVISOR,
                          db.session.scalar(select(Unit).where(Unit.code == code)))
            for username, name, position, code in data.LOCAL_SUPERVISORS],
        "cadres": [get_or_create(p, Role.CADRE) for p in data.FULL_TIME_CADRES],
        "probationary": [get_or_create(p, Role.CADRE, is_full_time=False, is_probationary=True)
                         for p in data.PROBATIONARY_CADRES],
        "union_cadres": [get_or_create(p, Role.CADRE, unit, is_full_time=False)
                         for p, unit in zip(data.UNION_CADRES, _unions(), strict=True)],
    }


def _unions() -> list[Unit]:
    """The wards and communes of ``_units``, in their order (by code: P01…, then X01…)."""
    return list(db.session.scalars(select(Unit).where(Unit.code.like("20-P%") | Unit.code.like("20-X%"))
                                   .order_by(Unit.code)))


def _plan(cadres: list[User]) -> Plan:
    year = today().year
    plan = db.session.scalar(select(Plan).where(Plan.year == year))
    if plan is None:
        plan = Plan(
            year=year,
            title=f"Kế hoạch thực hiện chế độ cán bộ Tỉnh đoàn đi cơ sở năm {year}",
            document_number="05-KH/TĐTN-TCKT",
            document_date=date(year, 1, 10),
            minimum_days=60,
        )
        plan.exemptions = [
            PlanExemption(cadre=cadres[-1], reason="Đi học dài hạn", minimum_days=None),
            PlanExemption(cadre=cadres[-2], reason="Nghỉ thai sản 6 tháng", minimum_days=30),
        ]
        db.session.add(plan)
    return plan


def _assignments(cadres: list[User], units: list[Unit]) -> None:
    year = today().year
    for n, cadre in enumerate(cadres):
        for unit in (units[(2 * n) % len(units)], units[(2 * n + 1) % len(units)]):
            exists = db.session.scalar(select(Assignment.id).where(
                Assignment.cadre_id == cadre.id, Assignment.unit_id == unit.id))
            if exists is None:
                db.session.add(Assignment(
                    cadre=cadre, unit=unit, start_date=date(year, 1, 15),
                    notice_number="12-TB/TĐTN", notice_date=date(year, 1, 15)))


def _placements(probationary: list[User], units: list[Unit]) -> list[Placement]:
    """One-week placements: the first cadre's is this week, the others' in earlier weeks."""
    this_monday = today() - timedelta(days=today().weekday())
    placements = []
    for n, cadre in enumerate(probationary):
        placement = db.session.scalar(select(Placement).where(Placement.cadre_id == cadre.id))
        if placement is None:
            start = this_monday - timedelta(weeks=0 if n == 0 else 10 + n // 2)
            placement = Placement(
                cadre=cadre, unit=units[4 + n % 12], start_date=start, end_date=start + timedelta(days=6),
                tasks=list(data.PLACEMENT_TASKS), mentor_name=data.MENTORS[n % 2])
            db.session.add(placement)
        placements.append(placement)
    db.session.flush()
    return placements


def _visits(staff: dict[str, list[User]], units: list[Unit], topics: list[Topic],
            placements: list[Placement], added: dict[str, int]) -> None:
    rng = random.Random(2025)  # the same visits every time the demo is loaded
    reviewer = staff["supervisors"][0]
    local_reviewers = {s.unit_id: s for s in staff["local_supervisors"]}  # a union reviews its people
    end = today() - timedelta(days=1)
    planned: list[dict] = []
    for n, cadre in enumerate(staff["cadres"]):
        assigned = [units[(2 * n) % len(units)], units[(2 * n + 1) % len(units)]]
        day = end - timedelta(days=364)
        i = 0
        while True:
            day += timedelta(days=rng.randint(6, 20))
            length = rng.choice([1, 1, 2, 2, 3, 4])
            if day + timedelta(days=length - 1) > end:
                break
            unit = rng.choice(assigned) if rng.random() < 0.8 else rng.choice(units)
            planned.append(dict(key=f"{cadre.username}-{i}", cadre=cadre, unit=unit, start=day,
                                end=day + timedelta(days=length - 1), placement=None))
            i += 1
    for n, cadre in enumerate(staff["union_cadres"]):
        # a visit every three weeks to their own union over the last three months; the newest
        # waits for review by their union's supervisor
        for i in range(5):
            day = end - timedelta(days=n % 7 + 21 * (4 - i))  # the last within the week: waiting
            planned.append(dict(key=f"{cadre.username}-{i}", cadre=cadre, unit=cadre.unit, start=day,
                                end=day, placement=None))
    for placement in placements:
        day = placement.start_date
        while day <= min(placement.end_date - timedelta(days=2), end):
            # each day carries out one of the first four tasks; the last (the write-up) is left
            # for the closing report, so the placements report shows tasks covered and not
            n = (day - placement.start_date).days
            planned.append(dict(key=f"{placement.cadre.username}-p{day.isoformat()}",
                                cadre=placement.cadre, unit=placement.unit, start=day, end=day,
                                placement=placement,
                                tasks=placement.tasks[n % 4:n % 4 + 1]))
            day += timedelta(days=1)

    existing = set(db.session.scalars(select(Visit.id).where(Visit.device_id == "demo")))
    changes, reviews = [], []
    for plan in planned:
        visit_id = uuid.uuid5(DEMO_NAMESPACE, plan["key"])
        form = VisitForm.MEETING if plan["placement"] else rng.choice(list(VisitForm))
        visit_topics = rng.sample(topics, rng.randint(1, 3))
        status = _status_for(plan["start"], end, rng)
        if visit_id in existing:
            continue
        received = datetime.combine(plan["end"], time(20, 0), LOCAL_ZONE) + timedelta(days=rng.randint(0, 5))
        row = {
            "id": visit_id, "cadre_id": plan["cadre"].id, "unit_id": plan["unit"].id,
            "placement_id": plan["placement"].id if plan["placement"] else None,
            "placement_tasks": plan.get("tasks", []),
            "start_date": plan["start"], "end_date": plan["end"], "form": form.value,
            "topics": tuple(sorted(t.id for t in visit_topics)),
            "summary": data.SUMMARIES[form], "findings": rng.choice(data.FINDINGS),
            "recommendations": rng.choice(data.RECOMMENDATIONS), "participants": rng.randint(8, 120),
            "latitude": None, "longitude": None, "accuracy_m": None,
            "status": VisitStatus.SUBMITTED.value, "version": 1, "device_id": "demo",
            "review_comment": None, "reviewed_at": None, "reviewed_by_id": None,
            "client_updated_at": received, "received_at": min(received, utcnow()),
        }
        changes.append(store.Change(None, row, "visit_created"))
        if status != VisitStatus.SUBMITTED:
            by = local_reviewers.get(plan["cadre"].unit_id, reviewer)
            reviews.append((visit_id, status, min(received + timedelta(days=7), utcnow()), by))
    store.take_change_lock()
    store.write_visits(changes, None)
    for visit_id, status, at, by in reviews:
        returned = status == VisitStatus.RETURNED
        review(visit_id, by, ReviewAction.RETURN if returned else ReviewAction.APPROVE,
               comment=data.RETURN_COMMENT if returned else None, at=at)
    added["visits"] += len(changes)
    db.session.flush()


def _closing_reports(placements: list[Placement], added: dict[str, int]) -> None:
    """Closing reports of the first three placements that are over (the others still lack one)."""
    over = [p for p in placements if p.end_date < today()][:3]
    for n, placement in enumerate(over):
        if db.session.scalar(select(PlacementReport.id).where(PlacementReport.placement_id == placement.id)):
            continue
        written = datetime.combine(placement.end_date, time(21, 0), LOCAL_ZONE)
        db.session.add(PlacementReport(
            id=uuid.uuid5(DEMO_NAMESPACE, f"closing-report-{placement.cadre.username}"),
            placement_id=placement.id, text=data.CLOSING_REPORTS[n % len(data.CLOSING_REPORTS)],
            version=1, device_id="demo", client_updated_at=written, received_at=written,
            updated_at=written))
        added["closing reports"] += 1
    db.session.flush()


def _hearing(staff: dict[str, list[User]], province: Unit, units: list[Unit], topics: list[Topic],
             added: dict[str, int]) -> None:
    """One monthly hearing of the province, already held: the month before last, heard early last
    month, with conclusions on three cadres and directions (two done, one overdue, two open)."""
    if db.session.scalar(select(Hearing.id).where(Hearing.unit_id == province.id).limit(1)):
        return  # loaded before (on whatever day): one demo hearing is enough
    last_month = month_bounds(today().replace(day=1) - timedelta(days=1))[0]
    heard = month_bounds(last_month - timedelta(days=1))[0]
    chair = staff["supervisors"][0]
    hearing = open_hearing(chair, province, heard, held_on=last_month.replace(day=5),
                           chair=chair.full_name, document_number="15-BC/TĐTN")
    cadres = staff["cadres"]
    for cadre, conclusion in zip(cadres, data.HEARING_CONCLUSIONS, strict=False):
        save_conclusion(hearing, cadre, conclusion, chair)
    for n, (cadre_index, text, due, done_note) in enumerate(data.HEARING_DIRECTIONS):
        cadre = cadres[cadre_index]
        due_date = {"overdue": last_month.replace(day=20), "later": today() + timedelta(days=30),
                    "done": last_month.replace(day=25)}[due]
        direction = give_direction(hearing, cadre, chair, text=text, due_date=due_date,
                                   unit_id=units[(2 * cadre_index) % len(units)].id,
                                   topic_id=topics[n % len(topics)].id)
        if done_note:
            done_at = datetime.combine(last_month.replace(day=18), time(17, 0), LOCAL_ZONE)
            direction_store.change(direction_store.locked(direction.id), cadre.id, "direction_done",
                                   state=DirectionState.DONE.value, done_note=done_note, done_at=done_at)
    added["hearings"] += 1


def _status_for(start: date, end: date, rng: random.Random) -> VisitStatus:
    if (end - start).days < 20:
        return VisitStatus.SUBMITTED
    roll = rng.random()
    if roll < 0.85:
        return VisitStatus.APPROVED
    return VisitStatus.RETURNED if roll < 0.95 else VisitStatus.SUBMITTED
