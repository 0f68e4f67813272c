"""Record offline, keep through reloads and restarts, deliver exactly once."""

from __future__ import annotations

from tests.browser.conftest import save_visit, sign_in, wait_for_worker, wait_waiting
from tests.browser.helpers_db import summaries, visit_count


def test_offline_session_keeps_visits_and_delivers_each_once(live_server, open_browser):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    live_server.recorder.wait_idle()  # a browser closed mid cache write may lose that page
    context.close()
    # No network at all: the browser is offline, and so is the server. (Playwright's offline
    # emulation can reach a reopened profile's service worker late, and Chromium's Background
    # Sync may then deliver the outbox early; a stopped server makes "offline" airtight.)
    live_server.stop()

    # A new session that starts offline: the form comes from the cache.
    context = open_browser(offline=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/visits/new")
    for n in range(3):
        save_visit(page, summary=f"Lượt {n}")
    wait_waiting(page, 3)
    page.reload()
    wait_waiting(page, 3)
    context.close()

    context = open_browser(offline=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/visits/")
    wait_waiting(page, 3)
    page.wait_for_selector("#visit-list li[data-state=waiting] >> nth=2")  # the list renders after the count
    assert page.locator("#visit-list li[data-state=waiting]").count() == 3
    assert visit_count(live_server.app) == 0

    live_server.start()
    context.set_offline(False)  # the page's `online` trigger carries the sync
    wait_waiting(page, 0)
    assert summaries(live_server.app) == ["Lượt 0", "Lượt 1", "Lượt 2"]
    page.wait_for_selector("#visit-list li[data-state=submitted] >> nth=2")
    assert page.locator("[data-last-sync]").inner_text() != ""


def test_client_checks_mirror_the_server_in_vietnamese_and_keep_the_input(live_server, open_browser):
    from datetime import date, timedelta

    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#visit-form[data-ready='true']")
    today = date.today()
    page.fill("#start_date", today.isoformat())
    page.fill("#end_date", (today - timedelta(days=1)).isoformat())
    page.fill("#summary", "Không được mất")
    page.click("#visit-form button[type=submit]")
    assert page.inner_text("#unit_id-error") == "Trường này là bắt buộc."
    assert page.inner_text("#end_date-error") == "Ngày kết thúc không được trước ngày bắt đầu."
    assert page.inner_text("#form-error") == "Trường này là bắt buộc."
    assert page.input_value("#summary") == "Không được mất"
    assert page.get_attribute("#unit_id", "aria-invalid") == "true"
    wait_waiting(page, 0)
