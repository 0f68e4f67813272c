"""Build test data through the same services the app uses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from server.auth.models import Role, User
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Assignment
from server.units.models import Unit, UnitKind
from server.units.services import create_unit
from server.visits.models import Topic, Visit, VisitStatus
from server.visits.services import next_change_seqs

PASSWORD = "password-123"


@dataclass
class World:
    province: Unit
    district_a: Unit
    district_b: Unit
    commune_a1: Unit
    commune_a2: Unit
    commune_b1: Unit
    admin: User
    supervisor: User  # at the province: sees everything
    district_supervisor: User  # at district A: sees A's subtree only
    cadre: User  # at the province, assigned to commune B1
    other_cadre: User
    topic: Topic


def build_world() -> World:
    province = create_unit("Tỉnh đoàn Thử", UnitKind.PROVINCE, code="T1")
    district_a = create_unit("Huyện đoàn A", UnitKind.DISTRICT, province, code="T1-A")
    district_b = create_unit("Huyện đoàn B", UnitKind.DISTRICT, province, code="T1-B")
    commune_a1 = create_unit("Đoàn xã A1", UnitKind.COMMUNE, district_a, code="T1-A1")
    commune_a2 = create_unit("Đoàn xã A2", UnitKind.COMMUNE, district_a, code="T1-A2")
    commune_b1 = create_unit("Đoàn xã B1", UnitKind.COMMUNE, district_b, code="T1-B1")
    admin = create_user("admin", "Quản Trị Thử", PASSWORD, province, Role.ADMIN)
    supervisor = create_user("sup", "Giám Sát Thử", PASSWORD, province, Role.SUPERVISOR)
    district_supervisor = create_user("supa", "Giám Sát Huyện A", PASSWORD, district_a, Role.SUPERVISOR)
    cadre = create_user("cadre", "Cán Bộ Thử", PASSWORD, district_a, Role.CADRE)
    other_cadre = create_user("cadre2", "Cán Bộ Khác", PASSWORD, district_a, Role.CADRE)
    topic = Topic(name_vi="Chủ đề thử", name_en="Test topic")
    db.session.add(topic)
    db.session.add(Assignment(cadre=cadre, unit=commune_b1, start_date=date(2020, 1, 1)))
    db.session.flush()
    return World(province, district_a, district_b, commune_a1, commune_a2, commune_b1,
                 admin, supervisor, district_supervisor, cadre, other_cadre, topic)


def make_visit(cadre: User, unit: Unit, start: date | None = None, days: int = 1,
               status: str = VisitStatus.SUBMITTED, **fields) -> Visit:
    """Add a visit as if it had been synced from the cadre's device."""
    start = start or date.today() - timedelta(days=10)
    visit = Visit(id=fields.pop("id", uuid.uuid4()), cadre=cadre, unit=unit, start_date=start,
                  end_date=start + timedelta(days=days - 1), form=fields.pop("form", "survey"),
                  status=status, **fields)
    db.session.add(visit)
    visit.change_seq = next_change_seqs(1)[0]
    db.session.flush()
    return visit
