"""Every admin page answers admins, refuses everyone else, and works in both languages."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.planning.models import Placement, Plan
from tests.factories import PASSWORD

PAGES = ["/admin/", "/admin/users", "/admin/users/new", "/admin/units", "/admin/units/new",
         "/admin/units/merge", "/admin/import/units", "/admin/import/users",
         "/admin/import/users/template.csv", "/admin/assignments", "/admin/placements",
         "/admin/plans", "/admin/topics", "/admin/tokens"]


def _with_records(app, world):
    from datetime import date

    from server.auth.models import User

    with app.app_context():
        cadre = db.session.get(User, world.cadre)
        cadre.is_probationary = True
        plan = Plan(year=2026, title="Kế hoạch thử", minimum_days=60)
        placement = Placement(cadre=cadre, unit_id=world.commune_a1, start_date=date(2026, 3, 2),
                              end_date=date(2026, 3, 8), tasks=["Khảo sát"])
        db.session.add_all([plan, placement])
        db.session.commit()
        return plan.id, placement.id


def test_every_admin_page_answers_an_admin(app, admin, world):
    plan_id, placement_id = _with_records(app, world)
    extra = [f"/admin/users/{world.cadre}", f"/admin/units/{world.commune_a1}", f"/admin/plans/{plan_id}",
             f"/admin/placements/{placement_id}", f"/admin/topics/{world.topic}"]
    for path in PAGES + extra:
        response = admin.get(path)
        assert response.status_code == 200, path


@pytest.mark.parametrize("username", ["cadre", "sup"])
def test_others_get_403(app, client, auth, post, world, username):
    auth.sign_in(username, PASSWORD)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert post("/", f"/admin/users/{world.other_cadre}/deactivate").status_code == 403
    with app.app_context():
        from server.auth.models import User

        assert db.session.get(User, world.other_cadre).active


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


def test_the_menu_links_to_admin_for_admins_only(client, auth, world):
    auth.sign_in("cadre")
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("admin")
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


def test_admin_pages_in_english(app, admin, world):
    from server.auth.models import User

    with app.app_context():
        db.session.get(User, world.admin).locale = "en"
        db.session.commit()
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Add a user" in page


def test_huge_ids_and_pages_are_not_found_not_errors(admin, world):
    assert admin.get(f"/admin/users/{2**63}").status_code == 404
    assert admin.get("/admin/units/99999999999").status_code == 404
    assert admin.get(f"/admin/users?page={10**30}").status_code == 200
    assert admin.get("/admin/import/nothing").status_code == 404
