"""The monthly hearing on the phone: open directions shown offline (home, visit form, my
directions), a direction marked done and the month's account written offline, both delivered
exactly once through the outbox and seen on the supervisor's hearing page."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import db
from server.hearings.models import Direction, MonthlyAccount
from server.planning.models import Plan
from tests.browser.conftest import sign_in, wait_for_worker, wait_waiting
from tests.factories import make_hearing, open_directions


def _audits(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_account_and_done_travel_offline_and_arrive_once(live_server, open_browser, world):
    app = live_server.app
    month = date.today().strftime("%Y-%m")
    with app.app_context():
        db.session.add(Plan(year=date.today().year, title="Kế hoạch thử", minimum_days=30))
        hearing_id = make_hearing(world, unit_id=world.district_a)
        first, second = open_directions(world, count=2, hearing_id=hearing_id)
        db.session.commit()

    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path="/hearings/mine")
    wait_for_worker(page)  # the offline pages, /hearings/mine and /hearings/account included
    page.reload()  # the first sync brought the directions onto the device
    page.wait_for_selector(f"#directions-list li[data-direction='{first}']")
    live_server.recorder.wait_idle()

    context.set_offline(True)
    live_server.stop()  # airtight: nothing reaches the server until the test says so

    # the month's account, offline
    page.goto(f"{live_server.url}/hearings/account?month={month}")
    page.wait_for_selector("#account-form[data-ready='true']")
    page.fill("#went_well", "Nắm chắc tình hình 3 xã")
    page.fill("#difficulties", "Đường sạt lở")
    page.fill("#proposals", "Hỗ trợ kinh phí")
    page.click("#account-form button[type=submit]")
    page.wait_for_selector("#account-form[data-saved='1']")
    wait_waiting(page, 1)

    # a direction marked done with a note, offline
    page.goto(f"{live_server.url}/hearings/mine")
    page.wait_for_selector("#directions-list[data-ready='true']")
    page.fill(f"#done-note-{first}", "Đã khảo sát 2 mô hình")
    page.click(f"#directions-list li:has(#done-note-{first}) button")
    page.wait_for_selector(f"#directions-list li[data-direction='{first}'][data-state='pending']")
    wait_waiting(page, 2)

    # the other direction is still open: on the home page and as a choice in the visit form
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#home-directions[data-ready='true']")
    assert page.locator("#home-directions li[data-direction]").count() == 1
    assert page.locator(f"#home-directions li[data-direction='{second}']").count() == 1
    page.goto(f"{live_server.url}/visits/new")
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.locator("input[name=directions]").count() == 1
    assert page.get_attribute("input[name=directions]", "value") == str(second)
    assert _audits(app, "account_created") == 0

    live_server.start()
    context.set_offline(False)
    wait_waiting(page, 0)
    page.click("[data-sync-now]")  # one more sync: nothing is sent twice
    page.wait_for_selector("[data-sync-now]:not([disabled])")
    wait_waiting(page, 0)
    assert _audits(app, "account_created") == 1 and _audits(app, "account_updated") == 0
    assert _audits(app, "direction_done") == 1
    with app.app_context():
        [account] = db.session.scalars(select(MonthlyAccount)).all()
        assert (account.went_well, account.proposals, account.version) == (
            "Nắm chắc tình hình 3 xã", "Hỗ trợ kinh phí", 1)
        done = db.session.get(Direction, first)
        assert (done.state, done.done_note, done.version) == ("done", "Đã khảo sát 2 mô hình", 2)
        assert db.session.get(Direction, second).state == "open"

    # the supervisor's hearing page shows both
    supervisor = open_browser("supervisor").new_page()
    sign_in(supervisor, live_server.url, username="supa", next_path=f"/hearings/{hearing_id}")
    cadre = supervisor.locator(f"section.cadre[data-cadre='{world.cadre}']")
    assert cadre.locator("[data-account-field=went_well]").inner_text() == "Nắm chắc tình hình 3 xã"
    assert cadre.locator(f"li[data-direction='{first}'][data-state='done']").count() == 1
    assert "Đã khảo sát 2 mô hình" in cadre.inner_text()


def test_a_note_being_typed_survives_the_syncs_that_redraw_my_directions(live_server, open_browser, world):
    with live_server.app.app_context():
        [first] = open_directions(world, count=1, hearing_id=make_hearing(world, unit_id=world.district_a))
        db.session.commit()
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path="/hearings/mine")
    wait_for_worker(page)
    page.reload()  # the first sync brought the direction onto the device
    page.wait_for_selector(f"#directions-list li[data-direction='{first}']")
    page.fill(f"#done-note-{first}", "Đang viết dở")
    # a sync's status change (this happens every minute, and on every reconnection)
    page.evaluate("async () => { await (await import('/static/js/sync.js')).changed(); }")
    page.evaluate("async () => { await (await import('/static/js/sync.js')).syncNow(); }")
    assert page.input_value(f"#done-note-{first}") == "Đang viết dở"
    assert page.evaluate("document.activeElement.id") == f"done-note-{first}"
