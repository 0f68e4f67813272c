"""Revoked tokens, service worker updates over a half-filled form, returned visits and conflicts."""

from __future__ import annotations

from sqlalchemy import delete, update

from server.auth.models import DeviceToken, WebSession
from server.db import utcnow
from server.extensions import db
from tests.browser.conftest import (
    PASSWORD,
    eventually,
    fill_visit,
    save_visit,
    sign_in,
    wait_for_worker,
    wait_until,
    wait_waiting,
)
from tests.browser.helpers_db import only_visit, return_visit, summaries, visit_count


def _ready(live_server, open_browser, path="/visits/new"):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path=path)
    wait_for_worker(page)
    return context, page


def test_token_revoked_while_offline_loses_nothing_and_syncs_after_sign_in(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    wait_until(page, "async () => Boolean(await (await import('/static/js/db.js')).getMeta('token'))")
    context.set_offline(True)
    save_visit(page, summary="Lượt 1")
    save_visit(page, summary="Lượt 2")
    with live_server.app.app_context():  # revoked, and the web session ended too
        db.session.execute(update(DeviceToken).values(revoked_at=utcnow()))
        db.session.execute(delete(WebSession))
        db.session.commit()
    context.set_offline(False)
    banner = page.locator("#auth-banner")
    banner.wait_for()
    assert "đăng nhập lại" in banner.inner_text()
    wait_waiting(page, 2)
    assert visit_count(live_server.app) == 0

    banner.locator("a").click()
    # from here on, note whether any page shows the banner, even for a moment
    context.add_init_script("""new MutationObserver(() => {
        const banner = document.getElementById('auth-banner');
        if (banner && !banner.hidden) window.__bannerShown = true;
    }).observe(document, {subtree: true, childList: true, attributes: true});""")
    page.fill("#username", "cadre")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/visits/new")
    wait_waiting(page, 0)
    page.locator("#auth-banner").wait_for(state="hidden")
    assert summaries(live_server.app) == ["Lượt 1", "Lượt 2"]
    # just signed in: the page never said the device needs to sign in again
    assert page.evaluate("window.__bannerShown === undefined")


def test_new_version_while_a_form_is_half_filled_keeps_the_input(live_server, open_browser):
    _context, page = _ready(live_server, open_browser)
    old_caches = page.evaluate("caches.keys()")
    live_server.app.config["PWA_VERSION_SALT"] = "a new release"
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.locator("#update-banner")
    banner.wait_for()
    fill_visit(page, summary="Đang viết dở, chưa lưu")
    page.fill("#findings", "Phát hiện quan trọng")
    banner.locator("button").click()  # at once: the update itself must save the draft
    page.wait_for_selector("#draft-message:not([hidden])")  # after the reload, restored
    assert page.input_value("#summary") == "Đang viết dở, chưa lưu"
    assert page.input_value("#findings") == "Phát hiện quan trọng"
    assert page.is_checked("input[name=form][value=survey]")
    new_caches = page.evaluate("caches.keys()")
    precaches = [n for n in new_caches if n.startswith("dicoso-precache-")]
    assert len(precaches) == 1 and precaches[0] not in old_caches  # our old cache is gone

    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    wait_waiting(page, 0)
    eventually(lambda: summaries(live_server.app) == ["Đang viết dở, chưa lưu"])


def test_returned_visit_edited_offline_resubmits_and_a_stale_edit_conflicts(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    save_visit(page, summary="Bản đầu")
    wait_waiting(page, 0)
    return_visit(live_server.app, "Bổ sung số người tham gia")
    page.goto(f"{live_server.url}/visits/")
    item = page.locator("#visit-list li[data-state=returned]")
    item.wait_for()
    assert "Bổ sung số người tham gia" in item.inner_text()

    context.set_offline(True)
    item.locator("a").click()
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.input_value("#summary") == "Bản đầu"
    assert page.input_value("#base_version") == "2"
    page.fill("#participants", "30")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/visits/")
    page.wait_for_selector("#visit-list li[data-state=waiting]")
    context.set_offline(False)
    wait_waiting(page, 0)
    visit = only_visit(live_server.app)
    assert (visit.status, visit.version, visit.participants) == ("submitted", 3, 30)

    # Returned again on the server while the device, offline, edits the version it knows.
    context.set_offline(True)
    return_visit(live_server.app, "Lần hai")
    page.goto(f"{live_server.url}/visits/new?edit={visit.id}")
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.input_value("#base_version") == "3"
    page.fill("#summary", "Sửa trên bản cũ")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/visits/")
    context.set_offline(False)
    conflict = page.locator("#visit-list li[data-state=conflict]")
    conflict.wait_for()
    assert "phiên bản 4" in conflict.inner_text()
    wait_waiting(page, 1)
    conflict.locator("button").first.click()  # keep mine, on top of the server's version
    wait_waiting(page, 0)
    visit = only_visit(live_server.app)
    assert (visit.status, visit.version, visit.summary) == ("submitted", 5, "Sửa trên bản cũ")
