"""Home tells the cadre what is true now, from the device's own data: a returned visit fixed and
saved offline no longer asks to be fixed, what the phone just sent counts at once, and a review
made on the server shows after the next sync."""

from __future__ import annotations

from datetime import date, timedelta

from server.extensions import db
from server.planning.models import Plan
from server.visits.models import VisitStatus
from tests.browser.conftest import sign_in, wait_for_worker, wait_until, wait_waiting
from tests.factories import make_visit, review_visit


def _home(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#year-card[data-phone=true]")
    # the server's copy of home already lists what it knew; wait for the device's own drawing
    page.wait_for_selector("#year-visits[data-phone=true]", state="attached")


def _counts(page) -> dict[str, str]:
    line = page.locator("#year-visits")
    names = ("unsent", "submitted", "approved", "returned")
    return {name: line.get_attribute(f"data-{name}") for name in names}


def test_home_is_current_offline_and_after_each_sync(live_server, open_browser, world):
    app = live_server.app
    first = date(date.today().year, 1, 1)
    with app.app_context():
        db.session.add(Plan(year=first.year, title="Kế hoạch thử", minimum_days=30))
        returned = make_visit(world.cadre, world.commune_a1, first, summary="Lần đầu").id
        waiting = make_visit(world.cadre, world.commune_a2, first + timedelta(days=3)).id
        review_visit(returned, world.supervisor, VisitStatus.RETURNED, "Bổ sung số người")
        db.session.commit()

    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path="/")
    wait_for_worker(page)
    wait_until(page, "async () => Boolean(await (await import('/static/js/sync.js')).standing())")
    home = f"{live_server.url}/"
    _home(page, home)
    page.wait_for_selector(f"#returned-visits li[data-id='{returned}']")
    assert "Bổ sung số người" in page.inner_text("#returned-visits")
    assert _counts(page) == {"unsent": "0", "submitted": "1", "approved": "0", "returned": "1"}

    # fixed offline: home no longer asks for it, and counts it as not sent yet
    context.set_offline(True)
    page.goto(f"{live_server.url}/visits/new?edit={returned}")
    page.wait_for_selector("#visit-form[data-ready='true']")
    # the form says what it is for, with the supervisor's comment first
    assert page.inner_text("#form-title") == "Sửa và gửi lại"
    assert "Bổ sung số người" in page.inner_text("#returned-comment")
    assert page.inner_text("#visit-form button[type=submit]") == "Lưu và gửi lại"
    page.fill("#participants", "25")
    page.click("#visit-form button[type=submit]")
    wait_waiting(page, 1)
    _home(page, home)
    assert page.is_hidden("#returned-visits")
    assert _counts(page) == {"unsent": "1", "submitted": "1", "approved": "0", "returned": "0"}
    assert page.get_attribute(f"#recent-visits li[data-id='{returned}']", "data-state") == "waiting"

    # online: sent, and counted as waiting for review at once
    context.set_offline(False)
    wait_waiting(page, 0)
    _home(page, home)
    assert _counts(page) == {"unsent": "0", "submitted": "2", "approved": "0", "returned": "0"}

    # the supervisor approves one on the server: the next sync says so on home
    with app.app_context():
        review_visit(waiting, world.supervisor, VisitStatus.APPROVED)
        db.session.commit()
    _home(page, home)
    page.evaluate("async () => { await (await import('/static/js/sync.js')).syncNow(); }")
    # the open page redraws itself: no navigation (the sync's status event reaches the view)
    page.wait_for_selector("#year-visits[data-approved='1']", state="attached")
    assert page.get_attribute(f"#recent-visits li[data-id='{waiting}']", "data-state") == "approved"
    _home(page, home)
    assert _counts(page) == {"unsent": "0", "submitted": "1", "approved": "1", "returned": "0"}
    assert page.get_attribute(f"#recent-visits li[data-id='{waiting}']", "data-state") == "approved"
