"""Background Sync: with no page of ours open, the worker's `sync` event delivers the outbox."""

from __future__ import annotations

from tests.browser.conftest import eventually, save_visit, sign_in, wait_for_worker, wait_waiting
from tests.browser.helpers_db import summaries


def test_sync_event_without_an_open_page_delivers_the_outbox(live_server, open_browser):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # a device token exists
    context.set_offline(True)
    save_visit(page, summary="Gửi nền 1")  # each save registers the 'dicoso-outbox' sync tag
    save_visit(page, summary="Gửi nền 2")
    wait_waiting(page, 2)
    live_server.recorder.pushed_ids.clear()

    page.goto("about:blank")  # no page of ours is left to sync
    context.set_offline(False)  # Chromium fires `sync` when the connection returns
    eventually(lambda: summaries(live_server.app) == ["Gửi nền 1", "Gửi nền 2"])
    # Sent by the worker alone, these two and nothing else. Not "exactly one push": when the
    # answer is lost while the connection comes back (seen once in a full run), Background Sync
    # retries and the server answers "unchanged"; the summaries above prove each arrived once.
    pushed = live_server.recorder.pushed_ids
    assert len(set(pushed)) == 2 and len(pushed) % 2 == 0

    page.goto(f"{live_server.url}/visits/")  # and the device shows nothing waiting
    wait_waiting(page, 0)


def test_sync_event_without_an_open_page_sends_the_visit_then_its_photo(live_server, open_browser, tmp_path):
    """Saved offline with a photo, the app closed: when the network returns the worker pushes the
    visit and then uploads the photo (the shared photo-upload-rule.js), every byte of it."""
    from tests.browser.photos import kept_from, photo_records
    from tests.browser.test_photos_upload import _offline_with_photos, _server_photo

    context, page, [record], stored = _offline_with_photos(live_server, open_browser, tmp_path,
                                                          summary="Ảnh gửi nền")
    page.goto("about:blank")  # no page of ours is left to sync
    context.set_offline(False)
    eventually(lambda: summaries(live_server.app) == ["Ảnh gửi nền"])

    def arrived() -> bool:
        photo, data = _server_photo(live_server.app, record["id"])
        return kept_from(photo, data, stored[record["id"]])
    eventually(arrived, timeout=30)

    page.goto(f"{live_server.url}/visits/")  # the device knows: nothing owed, the JPEG dropped
    page.wait_for_selector("[data-waiting][data-photos-waiting='0']", state="attached")
    [kept] = photo_records(page)
    assert kept["state"] == "done" and kept["offset"] == kept["size"]
