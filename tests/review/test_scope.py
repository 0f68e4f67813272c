"""Every review URL refuses the same way whoever is not allowed: 404 for a visit outside one's
scope (as for an unknown one), 403 for roles that do not review, the sign-in page for nobody."""

from __future__ import annotations

import pytest

from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.units.models import Unit
from server.visits.models import Visit
from tests.factories import PASSWORD, make_supervisor, make_visit
from tests.helpers import csrf_token


@pytest.fixture
def visit_id(app, world) -> str:
    with app.app_context():
        make_supervisor("supb", "Giám Sát Huyện B", db.session.get(Unit, world.district_b))
        create_user("tapsu", "Tập Sự Thử", PASSWORD, db.session.get(Unit, world.district_a), Role.CADRE,
                    is_probationary=True)
        visit = make_visit(world.cadre, world.commune_a1, summary="<b>đậm</b>")
        db.session.commit()
        return str(visit.id)


def _urls(visit_id: str) -> list[tuple[str, str]]:
    return [("GET", "/review/"), ("GET", f"/review/visits/{visit_id}"),
            ("POST", f"/review/visits/{visit_id}/approve"), ("POST", f"/review/visits/{visit_id}/return"),
            ("POST", "/review/bulk")]


@pytest.mark.parametrize(("username", "page_status", "visit_status"), [
    ("supb", 200, 404),      # a supervisor of another subtree: the queue is theirs, the visit is not
    ("cadre", 403, 403),
    ("tapsu", 403, 403),
    ("cadre2", 403, 403),
])
def test_refusals(app, client, auth, world, visit_id, username, page_status, visit_status):
    auth.sign_in(username)
    token = csrf_token(client, "/")
    for method, url in _urls(visit_id):
        data = {"csrf_token": token, "version": "1", "comment": "x", "selected": [f"{visit_id}:1"]}
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        expected = page_status if url in ("/review/", "/review/bulk") else visit_status
        if url == "/review/bulk" and page_status == 200:
            expected = 302  # allowed to post, but the visit is skipped as not theirs
        assert response.status_code == expected, (username, url)
    with app.app_context():
        assert db.session.get(Visit, __import__("uuid").UUID(visit_id)).status == "submitted"


def test_a_supervisor_of_another_subtree_sees_nothing_of_it(app, client, auth, world, visit_id):
    auth.sign_in("supb")
    assert visit_id not in client.get("/review/?status=").get_data(as_text=True)


def test_anonymous_users_are_sent_to_sign_in(client, world, visit_id):
    for method, url in _urls(visit_id):
        response = client.get(url) if method == "GET" else client.post(url)
        if method == "GET":
            assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
        else:
            assert response.status_code in (302, 400)  # no session: sign-in, or refused CSRF


def test_cadre_text_is_escaped_in_the_queue(app, client, auth, world, visit_id):
    auth.sign_in("sup")
    page = client.get("/review/").get_data(as_text=True)
    assert "&lt;b&gt;đậm&lt;/b&gt;" in page and "<b>đậm</b>" not in page
