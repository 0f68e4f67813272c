"""What a unit's supervisor sees follows people, not places (docs/review.md): the queue, the visit
page, the visit list and its export, and the placements report all show the work of the people
whose own unit is in the supervisor's subtree; coverage alone counts every visit to its units."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Placement
from server.units.models import Unit
from tests.factories import PASSWORD, make_supervisor, make_visit


@pytest.fixture
def union(app, world):
    """Commune A1 with its own supervisor and cadre; a provincial cadre and a district cadre both
    went to A1, and a provincial probationary cadre was placed there."""
    day = date.today() - timedelta(days=12)
    with app.app_context():
        a1 = db.session.get(Unit, world.commune_a1)
        province = db.session.get(Unit, world.province)
        make_supervisor("supa1", "Giám Sát Xã A1", a1)
        own = create_user("cadrea1", "Cán Bộ Xã A1", PASSWORD, a1)
        provincial = create_user("cadrep", "Cán Bộ Tỉnh", PASSWORD, province)
        trainee = create_user("tapsu", "Tập Sự Tỉnh", PASSWORD, province, is_full_time=False,
                              is_probationary=True)
        ids = {
            "own": make_visit(own.id, a1.id, day, summary="Việc của xã").id,
            "provincial": make_visit(provincial.id, a1.id, day, summary="Tỉnh xuống xã").id,
            "district": make_visit(world.cadre, a1.id, day, summary="Huyện xuống xã").id,
        }
        db.session.add(Placement(cadre=trainee, unit=a1, start_date=day, end_date=day + timedelta(days=6),
                                 tasks=["Dự sinh hoạt chi đoàn"]))
        assert trainee.role == Role.CADRE
        db.session.commit()
    return ids


def _visit_list(client) -> set[str]:
    first, last = date.today() - timedelta(days=60), date.today()
    data = client.get(f"/reports/visits?first={first}&last={last}&format=csv").get_data()
    return {row.split(",")[3] for row in data.decode("utf-8-sig").splitlines()[1:]}


def _page(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


def test_a_union_supervisor_sees_the_work_of_the_unions_own_people_everywhere(app, client, auth, union):
    auth.sign_in("supa1")
    queue = client.get("/review/").get_data(as_text=True)
    assert "Việc của xã" in queue
    assert "Tỉnh xuống xã" not in queue and "Huyện xuống xã" not in queue
    assert client.get(f"/review/visits/{union['own']}").status_code == 200
    assert client.get(f"/review/visits/{union['provincial']}").status_code == 404
    assert _visit_list(client) == {"Cán Bộ Xã A1"}  # the export agrees with the queue
    placements = _page(client, f"/reports/placements?year={date.today().year}&counting=submitted")
    assert "Tập Sự Tỉnh" not in placements  # the province's trainee, placed here, is the province's


def test_coverage_alone_counts_every_visit_to_the_units(app, client, auth, world, union):
    auth.sign_in("supa1")
    first, last = date.today() - timedelta(days=60), date.today()
    data = client.get(f"/reports/coverage?first={first}&last={last}&counting=submitted&format=csv").get_data()
    [row] = [r.split(",") for r in data.decode("utf-8-sig").splitlines()[1:]]
    assert row[1] == "Đoàn xã A1" and row[3] == "3"  # a place was visited, whoever went


def test_the_district_and_the_province_see_their_own_peoples_visits(app, client, auth, union):
    auth.sign_in("supa")
    assert _visit_list(client) == {"Cán Bộ Xã A1", "Cán Bộ Thử"}  # A1 is inside district A
    auth.sign_out()
    auth.sign_in("sup")
    assert _visit_list(client) == {"Cán Bộ Xã A1", "Cán Bộ Thử", "Cán Bộ Tỉnh"}
    placements = _page(client, f"/reports/placements?year={date.today().year}&counting=submitted")
    assert "Tập Sự Tỉnh" in placements
