"""Failed authorisation leaves a trace: a 403 or 404 answered to a signed-in person on a route with
an id in its address is audited (who, which route, which id), at most a few a minute per person."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from tests.api.support import bearer, issue_token
from tests.conftest import AuthActions
from tests.factories import make_hearing, make_visit


def _denials(app) -> list[tuple]:
    with app.app_context():
        return [(e.actor_id, e.entity_type, e.entity_id, e.details["status"], e.details["endpoint"],
                 e.details["via"])
                for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied")
                                            .order_by(AuditEntry.id))]


def test_refusals_on_id_routes_are_audited(app, world):
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, start=date.today() - timedelta(days=5))
        hearing = make_hearing(world, unit_id=world.district_a)
        visit_id = str(visit.id)
        db.session.commit()
    month = date.today().strftime("%Y-%m")
    other = app.test_client()
    AuthActions(other).sign_in("cadre2")
    assert other.get(f"/hearings/month/{world.cadre}/{month}").status_code == 404  # someone else's month
    assert other.get(f"/hearings/{hearing}").status_code == 403  # a cadre's role may not
    token = issue_token(app.test_client(), "cadre2")
    assert app.test_client().get(f"/api/v1/visits/{visit_id}", headers=bearer(token)).status_code == 404

    assert _denials(app) == [
        (world.other_cadre, "cadre", str(world.cadre), 404, "hearings.month", "web"),
        (world.other_cadre, "hearing", str(hearing), 403, "hearings.show", "web"),
        (world.other_cadre, "visit", visit_id, 404, "sync.visit", "api"),
    ]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access_denied"))
        assert entry.details["method"] == "GET"
        assert entry.details["path"] == f"/hearings/month/{world.cadre}/{month}"


def test_nothing_is_audited_for_answers_without_an_id_or_without_a_person(app, client, world):
    with app.app_context():
        hearing = make_hearing(world, unit_id=world.district_a)
        db.session.commit()
    assert client.get(f"/hearings/{hearing}").status_code == 302  # anonymous: sign in first
    assert client.get("/api/v1/visits/00000000-0000-0000-0000-000000000000").status_code == 401
    AuthActions(client).sign_in("cadre")
    assert client.get("/admin/").status_code == 403  # no id in the address
    assert client.get("/no-such-page/12").status_code == 404  # no route at all
    assert client.get(f"/hearings/month/{world.cadre}/{date.today():%Y-%m}").status_code == 200
    assert _denials(app) == []


def test_the_log_takes_at_most_a_few_refusals_a_minute_per_person(make_app, world):
    app = make_app(AUDIT_DENIALS_PER_MINUTE=3)
    guesser = app.test_client()
    AuthActions(guesser).sign_in("cadre2")
    tried = [world.cadre, *range(10**5, 10**5 + 5)]  # someone else's, then ids of nobody
    for cadre_id in tried:
        assert guesser.get(f"/hearings/month/{cadre_id}/2025-01").status_code == 404
    another = app.test_client()
    AuthActions(another).sign_in("cadre")
    assert another.get(f"/hearings/month/{world.other_cadre}/2025-01").status_code == 404
    denials = _denials(app)
    assert [d[0] for d in denials] == [world.other_cadre] * 3 + [world.cadre]  # each person their own
    assert [d[2] for d in denials[:3]] == [str(n) for n in tried[:3]]  # the first ones
