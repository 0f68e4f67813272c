"""Ways a cadre could lose work (issue 7): each reproduced in real Chromium.

- a save made while the service worker's background push is in flight;
- signing out with no network (nothing goes unless the cadre chooses it);
- the browser refusing the IndexedDB write (storage full, private mode);
- a field of the form that the page's reader does not know about.
"""

from __future__ import annotations

import json

from tests.browser.conftest import (
    eventually,
    fill_visit,
    save_visit,
    sign_in,
    wait_for_worker,
    wait_waiting,
)
from tests.browser.helpers_db import only_visit, summaries, visit_count

OFFLINE_PAGES = {"/", "/visits/new", "/visits/", "/visits/placement", "/visits/settings"}
PAGE_CACHE_KEYS = """async () => {
    const cache = await caches.open('dicoso-pages');
    return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
}"""


def _ready(live_server, open_browser):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # a device token exists
    return context, page


def test_a_save_made_while_the_background_push_is_in_flight_is_kept_and_sent(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    context.set_offline(True)
    save_visit(page, summary="Bản đầu")
    wait_waiting(page, 1)
    recorder = live_server.recorder
    recorder.pushed_ids.clear()
    recorder.hold_pushes.set()

    page.goto("about:blank")  # no page of ours: the worker's `sync` event pushes by itself
    context.set_offline(False)
    assert recorder.push_held.wait(20), "the worker did not push"
    visit_id = recorder.pushed_ids[0]

    # While that push waits for its answer, the cadre edits the visit again. The page is kept out
    # of the worker's reach (not controlled), so the worker does not hand the push to it.
    editor = context.new_page()
    cdp = context.new_cdp_session(editor)
    cdp.send("Network.enable")
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    editor.goto(f"{live_server.url}/visits/new?edit={visit_id}")
    editor.wait_for_selector("#visit-form[data-ready='true']")
    assert editor.input_value("#summary") == "Bản đầu"
    editor.fill("#summary", "Bản sửa trong lúc gửi")
    editor.click("#visit-form button[type=submit]")
    editor.wait_for_url(f"{live_server.url}/visits/")

    recorder.hold_pushes.clear()
    recorder.release_pushes.set()
    # The edit was saved after the copy in flight was read: its answer must not delete it.
    eventually(lambda: summaries(live_server.app) == ["Bản sửa trong lúc gửi"])
    wait_waiting(editor, 0)
    assert only_visit(live_server.app).version == 2


def test_sign_out_with_no_network_keeps_the_cadre_working_unless_they_choose(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    assert set(page.evaluate(PAGE_CACHE_KEYS)) >= OFFLINE_PAGES  # wait_for_worker saw to it
    # The browser believes it is online but the server cannot be reached: nothing is deleted,
    # and the dialog says so before offering to sign out without the server.
    live_server.stop()
    page.click("form[data-sign-out] button")
    dialog = page.locator("dialog#sign-out-dialog")
    dialog.locator(".sign-out-status:has-text('Không liên lạc được với máy chủ')").wait_for()
    assert "Không có mạng nên chưa báo được máy chủ" in dialog.inner_text()
    assert set(page.evaluate(PAGE_CACHE_KEYS)) >= OFFLINE_PAGES
    page.click("button[data-choice=cancel]")
    live_server.start()
    page.reload()

    context.set_offline(True)
    page.click("form[data-sign-out] button")
    dialog.wait_for()
    assert "Không có mạng nên chưa báo được máy chủ" in dialog.inner_text()
    page.click("button[data-choice=cancel]")  # the cadre keeps working instead
    dialog.wait_for(state="detached")
    assert page.url == f"{live_server.url}/visits/new"
    assert set(page.evaluate(PAGE_CACHE_KEYS)) >= OFFLINE_PAGES  # nothing was deleted

    # Still offline: the pages still open and a visit can still be recorded.
    page.goto(f"{live_server.url}/visits/new")
    save_visit(page, summary="Ghi sau khi bấm đăng xuất")
    wait_waiting(page, 1)

    # Back online the visit goes out, and signing out works (and only then empties the cache).
    context.set_offline(False)
    wait_waiting(page, 0)
    assert summaries(live_server.app) == ["Ghi sau khi bấm đăng xuất"]
    page.click("form[data-sign-out] button")
    page.wait_for_url(f"{live_server.url}/auth/sign-in?signed_out=1")
    assert "Bạn đã đăng xuất" in page.inner_text("body")
    assert page.evaluate(PAGE_CACHE_KEYS) == []


# The outbox store refuses writes once the test sets window.__refuseOutbox (as a full disk would).
REFUSE_OUTBOX = """
(() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    if (self.__refuseOutbox && this.name === 'outbox') {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return put.apply(this, args);
  };
})();
"""


def test_a_refused_save_says_so_keeps_the_text_and_offers_the_export(live_server, open_browser, tmp_path):
    context = open_browser()
    context.add_init_script(REFUSE_OUTBOX)
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    context.set_offline(True)
    save_visit(page, summary="Lượt đã lưu")  # one entry already waiting
    fill_visit(page, summary="Nội dung quan trọng")
    page.fill("#findings", "Kết quả không được mất")
    page.evaluate("self.__refuseOutbox = true")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-refused='1']")

    note = page.locator("#form-message")
    assert "Không lưu được" in note.inner_text()
    assert page.input_value("#summary") == "Nội dung quan trọng"  # the typed text stays
    assert page.input_value("#findings") == "Kết quả không được mất"
    assert page.get_attribute("#visit-form", "data-saved") == "1"  # only the first save counted
    wait_waiting(page, 1)

    with page.expect_download() as download:
        page.click("#export-unsaved")
    path = tmp_path / "export.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["format"] == "dicoso-outbox"
    summaries_in_file = sorted(e["visit"]["summary"] for e in exported["entries"])
    assert summaries_in_file == ["Lượt đã lưu", "Nội dung quan trọng"]

    # The file brings it back on a device that can store it.
    page.evaluate("self.__refuseOutbox = false")
    page.goto(f"{live_server.url}/visits/settings")
    page.wait_for_selector("#settings-message[data-ready='true']", state="attached")  # the view listens
    page.set_input_files("#import-file", str(path))
    page.wait_for_selector("#settings-message:has-text('1 lượt mới')")
    context.set_offline(False)
    wait_waiting(page, 0)
    eventually(lambda: summaries(live_server.app) == ["Lượt đã lưu", "Nội dung quan trọng"])


def test_the_form_reads_every_named_control_and_its_limits_from_bootstrap(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    # A field the server's form might gain tomorrow reaches the outbox without a change to the reader.
    page.evaluate("""() => {
        const extra = Object.assign(document.createElement('textarea'), {name: 'new_field'});
        document.querySelector('#visit-form button[type=submit]').before(extra);
    }""")
    context.set_offline(True)
    fill_visit(page, summary="Có trường mới")
    page.fill("textarea[name=new_field]", "giá trị mới")
    page.click("#visit-form button[type=submit]")
    wait_waiting(page, 1)
    visit = page.evaluate("""async () => {
        const {getAll} = await import('/static/js/db.js');
        return (await getAll('outbox'))[0].visit;
    }""")
    assert visit["new_field"] == "giá trị mới"
    assert visit["summary"] == "Có trường mới" and visit["participants"] == 0
    assert visit["form"] == "survey" and isinstance(visit["unit_id"], int) and visit["location"] is None

    # The limits are the bootstrap's (the server's), not a copy in the page.
    page.evaluate("""async () => {
        const db = await import('/static/js/db.js');
        const key = `bootstrap:${document.body.dataset.userId}`;
        const saved = await db.getMeta(key);
        saved.data.rules.max_text = 10;
        await db.setMeta(key, saved);
    }""")
    page.reload()
    fill_visit(page, summary="mười một ký")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("[data-field=summary] .error:has-text('Tối đa 10 ký tự')")
    assert visit_count(live_server.app) == 0
