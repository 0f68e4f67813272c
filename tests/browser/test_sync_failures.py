"""The outbox under failures: refused entries, a server that dies mid-sync, two tabs at once."""

from __future__ import annotations

from sqlalchemy import delete

from server.extensions import db
from server.planning.models import Assignment
from tests.browser.conftest import save_visit, sign_in, wait_for_worker, wait_pulled, wait_waiting
from tests.browser.helpers_db import summaries, visit_count


def _ready(live_server, open_browser, path="/visits/new"):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path=path)
    wait_for_worker(page)
    wait_pulled(page)  # synced once ("[data-last-sync]" says "never sent" before that)
    return context, page


def test_invalid_entry_stays_shows_the_reason_and_syncs_once_fixed(live_server, open_browser, world):
    context, page = _ready(live_server, open_browser)
    context.set_offline(True)
    save_visit(page, unit="Đoàn xã B1", summary="Xã được phân công")
    with live_server.app.app_context():  # the assignment ends while the cadre is offline
        db.session.execute(delete(Assignment))
        db.session.commit()
    context.set_offline(False)
    page.goto(f"{live_server.url}/visits/")
    item = page.locator("#visit-list li[data-state=invalid]")
    item.wait_for()
    reason = item.locator(".reason").inner_text()
    assert "Đơn vị đến" in reason and "không" in reason.lower()  # the server's reason, in Vietnamese
    wait_waiting(page, 1)
    assert visit_count(live_server.app) == 0

    item.locator("a").click()
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.input_value("#summary") == "Xã được phân công"
    page.select_option("#unit_id", label="Đoàn xã A1")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/visits/")
    wait_waiting(page, 0)
    assert visit_count(live_server.app, unit_id=world.commune_a1) == 1


def test_server_stopped_during_a_sync_everything_arrives_once(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    context.set_offline(True)
    for n in range(4):
        save_visit(page, summary=f"Lượt {n}")
    wait_waiting(page, 4)

    live_server.recorder.cut_after_next_push.set()
    context.set_offline(False)
    assert live_server.recorder.push_applied_then_cut.wait(15)
    live_server.stop()  # the answer never came, and the server is gone for a while
    page.wait_for_selector("[data-sync-note]:not(:empty)")  # a failed attempt, shown, retried later
    wait_waiting(page, 4)
    live_server.recorder.refuse_pushes.clear()
    live_server.start()
    wait_waiting(page, 0)  # no refresh: the backoff timer carries the retry
    assert summaries(live_server.app) == ["Lượt 0", "Lượt 1", "Lượt 2", "Lượt 3"]
    assert len(live_server.recorder.pushed_ids) >= 8  # the same four were sent again: idempotent


def test_two_tabs_syncing_at_once_make_no_duplicates(live_server, open_browser):
    context, first = _ready(live_server, open_browser)
    second = context.new_page()
    second.goto(f"{live_server.url}/visits/")
    context.set_offline(True)
    first.bring_to_front()  # a hidden tab gets no animation frames: typing there would crawl
    for n in range(5):
        save_visit(first, summary=f"Lượt {n}")
    wait_waiting(second, 5)  # the other tab hears about the outbox
    live_server.recorder.pushed_ids.clear()
    context.set_offline(False)
    first.click("[data-sync-now]")
    second.click("[data-sync-now]")
    wait_waiting(first, 0)
    wait_waiting(second, 0)
    assert summaries(live_server.app) == [f"Lượt {n}" for n in range(5)]
    # One sync at a time across tabs: each visit was sent once, not once per tab.
    assert sorted(live_server.recorder.pushed_ids) == sorted(set(live_server.recorder.pushed_ids))
    assert len(live_server.recorder.pushed_ids) == 5
