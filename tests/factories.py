"""Build test data through the same services the app uses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from server.auth.models import Role, User
from server.auth.services import create_user
from server.db import utcnow
from server.extensions import db
from server.planning.models import Assignment
from server.units.models import Unit, UnitKind
from server.units.services import create_unit
from server.visits import store
from server.visits.models import Topic, Visit, VisitStatus

PASSWORD = "password-123"
#: admins and supervisors must sign in with a second factor: the world's have it set up with this
#: TOTP secret (tests.helpers.next_code gives their codes; the sign-in helpers type them)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ADMIN_TOTP_SECRET = TOTP_SECRET


@dataclass(frozen=True)
class World:
    """Ids of a small test world; every user's password is ``PASSWORD``, username as noted."""

    province: int
    district_a: int
    district_b: int
    commune_a1: int
    commune_a2: int
    commune_b1: int
    admin: int  # "admin"
    supervisor: int  # "sup": at the province, sees everything
    district_supervisor: int  # "supa": at district A, sees A's subtree only
    cadre: int  # "cadre": at district A, also assigned to commune B1
    other_cadre: int  # "cadre2": at district A
    topic: int


def build_world() -> World:
    province = create_unit("Tỉnh đoàn Thử", UnitKind.PROVINCE, code="T1")
    district_a = create_unit("Huyện đoàn A", UnitKind.DISTRICT, province, code="T1-A")
    district_b = create_unit("Huyện đoàn B", UnitKind.DISTRICT, province, code="T1-B")
    commune_a1 = create_unit("Đoàn xã A1", UnitKind.COMMUNE, district_a, code="T1-A1")
    commune_a2 = create_unit("Đoàn xã A2", UnitKind.COMMUNE, district_a, code="T1-A2")
    commune_b1 = create_unit("Đoàn xã B1", UnitKind.COMMUNE, district_b, code="T1-B1")
    admin = with_two_factor(create_user("admin", "Quản Trị Thử", PASSWORD, province, Role.ADMIN))
    supervisor = make_supervisor("sup", "Giám Sát Thử", province)
    district_supervisor = make_supervisor("supa", "Giám Sát Huyện A", district_a)
    cadre = create_user("cadre", "Cán Bộ Thử", PASSWORD, district_a, Role.CADRE)
    other_cadre = create_user("cadre2", "Cán Bộ Khác", PASSWORD, district_a, Role.CADRE)
    topic = Topic(name_vi="Chủ đề thử", name_en="Test topic")
    db.session.add(topic)
    db.session.add(Assignment(cadre=cadre, unit=commune_b1, start_date=date(2020, 1, 1)))
    db.session.flush()
    return World(province.id, district_a.id, district_b.id, commune_a1.id, commune_a2.id,
                 commune_b1.id, admin.id, supervisor.id, district_supervisor.id, cadre.id,
                 other_cadre.id, topic.id)


def with_two_factor(user: User) -> User:
    """``user`` with two-factor sign-in set up (secret ``TOTP_SECRET``), as admins and supervisors
    must have it."""
    user.totp_secret, user.totp_enabled_at = TOTP_SECRET, utcnow()
    return user


def make_supervisor(username: str, full_name: str, unit: Unit, **fields) -> User:
    """A supervisor of ``unit``'s subtree, two-factor sign-in set up (their role requires it)."""
    return with_two_factor(create_user(username, full_name, PASSWORD, unit, Role.SUPERVISOR, **fields))


def make_visit(cadre_id: int, unit_id: int, start: date | None = None, days: int = 1,
               status: str = VisitStatus.SUBMITTED, **fields) -> Visit:
    """Add a visit as if it had been synced from the cadre's device (inside an app context).

    It is written through the visits' one write path (server/visits/store.py), so it has a
    version, a change number and an audit entry like any other.
    """
    start = start or date.today() - timedelta(days=10)
    topics = tuple(sorted(fields.pop("topics", ())))
    row = {column: None for column in store.COLUMNS} | {
        "id": fields.pop("id", uuid.uuid4()), "cadre_id": cadre_id, "unit_id": unit_id,
        "start_date": start, "end_date": start + timedelta(days=days - 1),
        "form": fields.pop("form", "survey"), "status": str(status), "version": 1,
        "summary": "", "findings": "", "recommendations": "", "participants": 0, "topics": topics,
    }
    row.update(fields)
    for generated in ("change_seq", "updated_at", "received_at"):
        if row[generated] is None:
            del row[generated]
    store.take_change_lock()
    store.write_visits([store.Change(None, row, "visit_created")], None)
    return db.session.get(Visit, row["id"])


def review_visit(visit_id: uuid.UUID | str, reviewer_id: int, status: str,
                 comment: str | None = None) -> None:
    """Approve or return a visit as a supervisor does, through the review service."""
    from server.auth.models import User
    from server.review.models import ReviewAction
    from server.review.services import review

    action = ReviewAction.RETURN if status == VisitStatus.RETURNED else ReviewAction.APPROVE
    review(uuid.UUID(str(visit_id)), db.session.get(User, reviewer_id), action, comment=comment)


def make_hearing(world: World, month: date | None = None, unit_id: int | None = None,
                 by: int | None = None) -> int:
    """Open a hearing (or find the unit's one for that month) through the hearing service, inside
    an app context; returns its id."""
    from server.auth.models import User
    from server.hearings.services import HearingExists, open_hearing
    from server.units.models import Unit

    month = (month or date.today()).replace(day=1)
    try:
        hearing = open_hearing(db.session.get(User, by or world.supervisor),
                               db.session.get(Unit, unit_id or world.province), month,
                               held_on=date.today(), chair="Chủ Trì Thử")
    except HearingExists as exists:  # one hearing per unit and month: reuse it
        hearing = exists.hearing
    return hearing.id


def open_directions(world: World, count: int = 1, cadre_id: int | None = None,
                    hearing_id: int | None = None) -> list[int]:
    """Give the cadre ``count`` open directions at a hearing (made if not given); their ids."""
    from server.auth.models import User
    from server.hearings.models import Hearing
    from server.hearings.services import give_direction

    hearing = db.session.get(Hearing, hearing_id or make_hearing(world))
    cadre = db.session.get(User, cadre_id or world.cadre)
    actor = db.session.get(User, world.supervisor)
    return [give_direction(hearing, cadre, actor, text=f"Chỉ đạo thử số {n + 1}",
                           due_date=date.today() + timedelta(days=30), unit_id=None, topic_id=None).id
            for n in range(count)]
