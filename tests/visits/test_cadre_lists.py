"""What a cadre sees of their history: paginated pages, returned visits on the home page, and a
phone that pulls only what a cadre works with."""

from __future__ import annotations

import re
from datetime import date, timedelta

from server.extensions import db
from server.time import today
from tests.api.support import bearer, issue_token
from tests.factories import make_visit


def test_my_visits_come_in_pages_latest_trip_first(app, client, auth, world):
    from server.visits import queries

    with app.app_context():
        for n in range(5):
            make_visit(world.cadre, world.commune_a1, start=today() - timedelta(days=10 + n))
        db.session.commit()
    auth.sign_in("cadre")
    original = queries.MY_VISITS_PAGE
    queries.MY_VISITS_PAGE = 2
    try:
        seen, url = [], "/visits/"
        while url:
            page = client.get(url).get_data(as_text=True)
            seen += re.findall(r'<li data-id="([0-9a-f-]{36})"', page)
            found = re.search(r'href="([^"]+)" rel="next"', page)
            url = found.group(1).replace("&amp;", "&") if found else None
    finally:
        queries.MY_VISITS_PAGE = original
    assert len(seen) == len(set(seen)) == 5
    # a mangled cursor shows the first page, not an error
    assert client.get("/visits/?before=nonsense").status_code == 200


def test_returned_visits_wait_on_the_home_page_until_sent_again(app, client, auth, world):
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, status="returned",
                           review_comment="Thiếu ảnh <hoạt động>")
        db.session.commit()
        visit_id = str(visit.id)
    auth.sign_in("cadre")
    page = client.get("/").get_data(as_text=True)
    assert 'id="returned-visits"' in page and "Thiếu ảnh &lt;hoạt động&gt;" in page
    assert f"/visits/new?edit={visit_id}" in page
    with app.app_context():
        from server.visits import store

        current = store.locked_copy(visit.id)
        store.record_change(current, world.cadre, "visit_updated", status="submitted")
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    # the section stays for the phone's script to fill (home-visits.js), hidden and empty
    assert 'id="returned-visits" hidden>' in page and f"/visits/new?edit={visit_id}" not in page


def test_the_phone_pulls_recent_visits_and_anything_not_approved(app, client, world):
    old = date(today().year - 2, 6, 1)
    with app.app_context():
        ids = {
            "old approved": make_visit(world.cadre, world.commune_a1, start=old, status="approved").id,
            "old returned": make_visit(world.cadre, world.commune_a1, start=old, status="returned").id,
            "last year approved": make_visit(world.cadre, world.commune_a1,
                                             start=date(today().year - 1, 1, 1), status="approved").id,
            "this year": make_visit(world.cadre, world.commune_a1).id,
        }
        db.session.commit()
    token = issue_token(client)
    pulled = {v["id"] for v in client.get("/api/v1/sync/pull", headers=bearer(token)).get_json()["visits"]}
    assert pulled == {str(ids[k]) for k in ("old returned", "last year approved", "this year")}
