"""Signing out of a possibly shared phone (issue 12): the device token is revoked, the person's
data leaves the device, and nothing unsent is lost on the way (send first, or the export file)."""

from __future__ import annotations

import json

from server.auth.models import WebSession
from server.extensions import db
from tests.api.support import bearer
from tests.browser.conftest import (
    eventually,
    fill_visit,
    save_visit,
    sign_in,
    wait_for_worker,
    wait_until,
    wait_waiting,
)
from tests.browser.helpers_db import only_visit, summaries, visit_count
from tests.factories import PASSWORD, make_visit

# Everything the device holds in IndexedDB, store by store (meta: its keys only).
DEVICE_DATA = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('dicoso');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['outbox', 'drafts', 'visits', 'meta']);
      const out = {};
      for (const name of ['outbox', 'drafts', 'visits']) {
        tx.objectStore(name).getAll().onsuccess = (e) => { out[name] = e.target.result; };
      }
      tx.objectStore('meta').getAll().onsuccess = (e) => { out.meta = e.target.result; };
      tx.oncomplete = () => { db.close(); resolve(out); };
    };
})"""
PAGES_CACHED = "async () => (await (await caches.open('dicoso-pages')).keys()).length"
TOKEN = "async () => (await new Promise((resolve) => { const o = indexedDB.open('dicoso'); " \
        "o.onsuccess = () => { const r = o.result.transaction('meta').objectStore('meta').get('token'); " \
        "r.onsuccess = () => resolve(r.result && r.result.value.token); }; }))"
# Another person's things on the same phone: a visit they have not sent, a pulled copy, their bootstrap.
OTHER_PERSON = """() => new Promise((resolve) => {
    const open = indexedDB.open('dicoso');
    open.onsuccess = () => {
      const tx = open.result.transaction(['outbox', 'visits', 'meta'], 'readwrite');
      tx.objectStore('outbox').put({id: 'other-unsent', user_id: 999, visit: {id: 'other-unsent'},
        state: 'waiting', rev: 'r1'});
      tx.objectStore('visits').put({id: 'other-copy', user_id: 999});
      tx.objectStore('meta').put({key: 'bootstrap:999', value: {data: {}}});
      tx.oncomplete = () => { open.result.close(); resolve(); };
    };
})"""


def _signed_in(live_server, open_browser, path="/visits/new"):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path=path)
    wait_for_worker(page)
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # a device token exists
    return context, page


def _api_status(live_server, secret: str) -> int:
    return live_server.app.test_client().get("/api/v1/bootstrap", headers=bearer(secret)).status_code


def _dialog(page):
    dialog = page.locator("dialog#sign-out-dialog")
    dialog.wait_for()
    return dialog


def test_sign_out_with_nothing_waiting_revokes_the_token_and_leaves_no_data(live_server, open_browser, world):
    with live_server.app.app_context():
        make_visit(world.cadre, world.commune_a1)  # pulled to the phone: the person's data
        db.session.commit()
    context, page = _signed_in(live_server, open_browser)
    other_tab = context.new_page()
    other_tab.goto(f"{live_server.url}/visits/")
    wait_until(page, f"async () => ({DEVICE_DATA})().then((d) => d.visits.length === 1)")
    page.evaluate(OTHER_PERSON)
    secret = page.evaluate(TOKEN)
    assert secret and _api_status(live_server, secret) == 200
    before = page.evaluate(DEVICE_DATA)
    assert any(row["key"] == f"bootstrap:{world.cadre}" for row in before["meta"])
    assert page.evaluate(PAGES_CACHED) > 0

    page.click("form[data-sign-out] button")  # nothing of theirs waiting: no question asked
    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert "Bạn đã đăng xuất" in page.inner_text("body")
    other_tab.wait_for_url(f"{live_server.url}/auth/sign-in")  # the person's other tab leaves too
    other_tab.wait_for_load_state()
    assert "Bạn đã đăng xuất" not in other_tab.inner_text("body")  # said where they signed out
    assert _api_status(live_server, secret) == 401  # the token no longer works
    after = page.evaluate(DEVICE_DATA)
    # Only the device's own id and the other person's unsent visit are left: never removed unseen.
    assert [row["key"] for row in after["meta"]] == ["device"]
    assert [entry["id"] for entry in after["outbox"]] == ["other-unsent"]
    assert after["visits"] == [] and after["drafts"] == []
    assert page.evaluate(PAGES_CACHED) == 0
    page.goto(f"{live_server.url}/visits/new")  # and the web session has ended
    page.wait_for_url(f"{live_server.url}/auth/sign-in?next=%2Fvisits%2Fnew")
    # Both tabs opened the sign-in page at once: the form of either still signs in (one CSRF secret)
    other_tab.fill("#username", "cadre")
    other_tab.fill("#password", PASSWORD)
    other_tab.click("button[type=submit].primary")
    other_tab.wait_for_url(f"{live_server.url}/")


def test_with_a_visit_waiting_the_dialog_asks_and_cancel_keeps_everything(live_server, open_browser):
    context, page = _signed_in(live_server, open_browser)
    context.set_offline(True)
    save_visit(page, summary="Chưa gửi")
    wait_waiting(page, 1)
    live_server.recorder.fail_pushes.set()  # the server is busy: the visit stays waiting
    context.set_offline(False)

    page.click("form[data-sign-out] button")
    dialog = _dialog(page)
    assert dialog.evaluate("(d) => d.open && d.matches(':modal')")
    text = dialog.inner_text()
    assert "còn 1 mục chưa gửi" in text and "1 lượt đi cơ sở" in text
    assert "xoá mọi dữ liệu của bạn khỏi máy này" in text
    # The focus is in the dialog, on the safe choice; every choice says what it will do.
    assert page.evaluate("document.activeElement.dataset.choice") == "send"
    for choice in ("send", "export", "cancel"):
        hint = dialog.locator(f"button[data-choice={choice}]").get_attribute("aria-describedby")
        assert page.locator(f"#{hint}").inner_text()

    # Sending fails (the server is busy): still signed in, nothing removed.
    page.click("button[data-choice=send]")
    dialog.locator(".sign-out-status:has-text('Chưa gửi được hết')").wait_for()
    assert page.url == f"{live_server.url}/visits/new"
    assert len(page.evaluate(DEVICE_DATA)["outbox"]) == 1

    page.click("button[data-choice=cancel]")
    dialog.wait_for(state="detached")
    assert page.evaluate("document.activeElement.closest('form[data-sign-out]') !== null")
    # Escape cancels too.
    page.click("form[data-sign-out] button")
    _dialog(page)
    page.keyboard.press("Escape")
    page.locator("dialog#sign-out-dialog").wait_for(state="detached")
    data = page.evaluate(DEVICE_DATA)
    assert [e["visit"]["summary"] for e in data["outbox"]] == ["Chưa gửi"]
    assert any(row["key"] == "token" for row in data["meta"])
    assert page.evaluate(PAGES_CACHED) > 0
    assert visit_count(live_server.app) == 0
    page.goto(f"{live_server.url}/visits/new")  # still signed in
    page.wait_for_selector("#visit-form[data-ready='true']")


def test_send_then_sign_out_delivers_the_visit_once_then_signs_out(live_server, open_browser):
    context, page = _signed_in(live_server, open_browser)
    secret = page.evaluate(TOKEN)
    context.set_offline(True)
    save_visit(page, summary="Gửi trước khi đăng xuất")
    wait_waiting(page, 1)
    recorder = live_server.recorder
    recorder.fail_pushes.set()  # until the test says so, the server is busy
    page.click("form[data-sign-out] button")
    dialog = _dialog(page)
    assert dialog.locator("button[data-choice=send]").is_disabled()  # offline: sending cannot be
    context.set_offline(False)
    dialog.locator("button[data-choice=send]:enabled").wait_for()  # the network is back
    recorder.fail_pushes.clear()

    page.click("button[data-choice=send]")
    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert summaries(live_server.app) == ["Gửi trước khi đăng xuất"]
    visit = only_visit(live_server.app)
    assert recorder.delivered_ids == [str(visit.id)]  # delivered once, not again after the answer
    assert _api_status(live_server, secret) == 401
    data = page.evaluate(DEVICE_DATA)
    assert data["outbox"] == [] and data["visits"] == []
    assert [row["key"] for row in data["meta"]] == ["device"]


def test_export_then_sign_out_downloads_the_waiting_visit_and_draft_first(live_server, open_browser,
                                                                         tmp_path):
    context, page = _signed_in(live_server, open_browser)
    secret = page.evaluate(TOKEN)
    context.set_offline(True)
    save_visit(page, summary="Chỉ có trong tệp")
    fill_visit(page, summary="Bản nháp dở")  # typed, not saved: a draft
    wait_until(page, f"async () => ({DEVICE_DATA})().then((d) => d.drafts.length === 1)")
    live_server.recorder.fail_pushes.set()
    context.set_offline(False)

    page.click("form[data-sign-out] button")
    dialog = _dialog(page)
    assert "1 lượt đi cơ sở" in dialog.inner_text() and "1 bản nháp" in dialog.inner_text()
    with page.expect_download() as download:
        page.click("button[data-choice=export]")
    path = tmp_path / "export.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert [e["visit"]["summary"] for e in exported["entries"]] == ["Chỉ có trong tệp"]
    assert [d["fields"]["summary"] for d in exported["drafts"]] == ["Bản nháp dở"]

    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert _api_status(live_server, secret) == 401
    data = page.evaluate(DEVICE_DATA)
    assert data["outbox"] == [] and data["drafts"] == []  # removed only after the download
    assert visit_count(live_server.app) == 0

    # The file brings both back after signing in again, and the visit is sent.
    live_server.recorder.fail_pushes.clear()
    sign_in(page, live_server.url, next_path="/visits/settings")
    page.wait_for_selector("#settings-message[data-ready='true']", state="attached")  # the view listens
    page.set_input_files("#import-file", str(path))
    page.wait_for_selector("#settings-message:has-text('2 lượt mới')")
    page.wait_for_selector("[data-waiting='0']")
    assert summaries(live_server.app) == ["Chỉ có trong tệp"]
    page.goto(f"{live_server.url}/visits/new")
    page.wait_for_selector("#draft-message:not([hidden])")
    assert page.input_value("#summary") == "Bản nháp dở"


def test_sign_out_without_network_removes_the_data_now_and_revokes_once_online(live_server, open_browser):
    context, page = _signed_in(live_server, open_browser)
    secret = page.evaluate(TOKEN)
    context.set_offline(True)
    page.click("form[data-sign-out] button")
    dialog = _dialog(page)
    assert "Không có mạng nên chưa báo được máy chủ" in dialog.inner_text()
    page.click("button[data-choice=sign-out]")
    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")  # the worker's offline page answers
    data = page.evaluate(DEVICE_DATA)
    assert data["outbox"] == data["visits"] == data["drafts"] == []
    assert sorted(row["key"] for row in data["meta"]) == ["device", "revoke", "sign_out_pending"]
    assert page.evaluate(PAGES_CACHED) == 0
    assert _api_status(live_server, secret) == 200  # the server has not been told yet

    # Online, but the sign-out cannot reach the server: the page does not run as that person.
    # (Routed first: the page open now finishes the sign-out as soon as it is online.)
    context.route("**/auth/sign-out", lambda route: route.abort())
    context.set_offline(False)
    page.goto(f"{live_server.url}/")
    banner = page.locator("#sign-out-message")
    banner.wait_for()
    assert "đăng xuất trên máy này khi không có mạng" in banner.inner_text()
    keys = sorted(row["key"] for row in page.evaluate(DEVICE_DATA)["meta"])
    assert keys == ["device", "sign_out_pending"]  # the token was revoked; no new one, no sync

    # Once it can, the first page opened finishes the sign-out before running as that person.
    context.unroute("**/auth/sign-out")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert _api_status(live_server, secret) == 401
    assert [row["key"] for row in page.evaluate(DEVICE_DATA)["meta"]] == ["device"]
    page.goto(f"{live_server.url}/visits/new")
    page.wait_for_url(f"{live_server.url}/auth/sign-in?next=%2Fvisits%2Fnew")
    assert page.evaluate(PAGES_CACHED) == 0


def test_a_new_person_on_the_phone_revokes_the_last_ones_token_and_keeps_their_unsent_visit(
        live_server, open_browser, world):
    with live_server.app.app_context():
        make_visit(world.cadre, world.commune_a1)
        db.session.commit()
    context, page = _signed_in(live_server, open_browser)
    wait_until(page, f"async () => ({DEVICE_DATA})().then((d) => d.visits.length === 1)")
    secret = page.evaluate(TOKEN)
    live_server.recorder.fail_pushes.set()  # their last visit cannot be sent before they go
    context.set_offline(True)
    save_visit(page, summary="Của người trước")
    # They leave without signing out; their web session ends on its own (unused too long).
    with live_server.app.app_context():
        db.session.execute(WebSession.__table__.delete().where(WebSession.user_id == world.cadre))
        db.session.commit()
    context.set_offline(False)

    sign_in(page, live_server.url, username="cadre2", next_path="/visits/")
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # cadre2's own token
    eventually(lambda: _api_status(live_server, secret) == 401)
    data = page.evaluate(DEVICE_DATA)
    kept = [(e["user_id"], e["visit"]["summary"]) for e in data["outbox"]]
    assert kept == [(world.cadre, "Của người trước")]
    assert all(v["user_id"] != world.cadre for v in data["visits"])  # their synced copies are gone
    assert not [row["key"] for row in data["meta"] if row["key"].split(":")[1:2] == [str(world.cadre)]]
    assert page.get_attribute("[data-waiting]", "data-waiting") == "0"  # not cadre2's to see


def test_a_photo_not_sent_counts_as_waiting_goes_into_the_export_file_and_leaves_the_phone(
        live_server, open_browser, tmp_path):
    from tests.browser.photos import add_photos, jpeg, photo_records

    context, page = _signed_in(live_server, open_browser)
    context.set_offline(True)
    add_photos(page, [jpeg(tmp_path / "p.jpg", seed=3)])
    save_visit(page, summary="Có một ảnh")
    wait_waiting(page, 1)
    [photo] = photo_records(page)
    live_server.recorder.fail_pushes.set()
    context.set_offline(False)

    page.click("form[data-sign-out] button")
    dialog = _dialog(page)
    assert "1 ảnh chưa gửi xong" in dialog.inner_text()
    with page.expect_download() as download:
        page.click("button[data-choice=export]")
    path = tmp_path / "export.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert [p["id"] for p in exported["photos"]] == [photo["id"]] and exported["photos"][0]["data"]

    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert photo_records(page) == []  # another person signing in here finds none of it


# The app's modules this page has loaded (preloaded, imported, from the network or the worker).
LOADED = """() => performance.getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname.replace(/^\\/static\\/v\\/[^/]+\\//, ''))
    .filter((path) => path.startsWith('js/'))"""
# Loaded on demand only: the sign-out flow (its dialog, the export file), the photo upload.
ON_DEMAND = {"js/sign-out-flow.js", "js/sign-out-dialog.js", "js/export-file.js", "js/photo-upload.js",
             "js/photo-upload-rule.js"}


def test_the_sign_out_flow_loads_when_the_button_is_pressed_from_the_precache_when_offline(
        live_server, open_browser):
    """The form's page weight (issue 17): pages do not load the sign-out flow; the button does, and
    with no network the worker's precache answers, so signing out offline still works."""
    context, page = _signed_in(live_server, open_browser)
    page.goto(f"{live_server.url}/visits/new")  # a page the worker controls, every sync done
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")
    loaded = set(page.evaluate(LOADED))
    assert {"js/app.js", "js/sign-out.js", "js/views/visit-form.js"} <= loaded
    assert not ON_DEMAND & loaded

    context.set_offline(True)
    page.click("form[data-sign-out] button")
    dialog = _dialog(page)  # the flow, from the precache
    assert "Không có mạng nên chưa báo được máy chủ" in dialog.inner_text()
    assert {"js/sign-out-flow.js", "js/sign-out-dialog.js", "js/export-file.js"} <= set(page.evaluate(LOADED))
    page.click("button[data-choice=cancel]")
    assert page.locator("dialog#sign-out-dialog[open]").count() == 0

    context.set_offline(False)
    page.reload()
    page.wait_for_selector("#visit-form[data-ready='true']")
    secret = page.evaluate(TOKEN)
    page.click("form[data-sign-out] button")  # online, nothing waiting: signed out at once
    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert _api_status(live_server, secret) == 401


def test_a_sign_out_flow_that_cannot_load_keeps_the_person_signed_in_and_says_so(
        live_server, playwright_instance, tmp_path):
    """No worker yet (its precache would answer) and the flow's module out of reach: nothing is
    removed, and the page says the server could not be reached."""
    from tests.browser.conftest import CHROMIUM_ARGS, _executable

    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "no-worker"), executable_path=_executable(), args=CHROMIUM_ARGS, headless=True,
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="block")
    try:
        context.set_default_timeout(15000)
        page = context.new_page()
        sign_in(page, live_server.url)
        page.wait_for_selector("#visit-form[data-ready='true']")
        context.route("**/js/sign-out-flow.js", lambda route: route.abort())
        page.click("form[data-sign-out] button")
        banner = page.locator("#sign-out-message")
        banner.wait_for()
        assert "Không liên lạc được với máy chủ" in banner.inner_text()
        assert page.url == f"{live_server.url}/visits/new"
        page.goto(f"{live_server.url}/visits/")  # still signed in
        assert page.url == f"{live_server.url}/visits/"
    finally:
        context.close()
