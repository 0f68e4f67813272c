"""Photos on a visit, on the phone side, with no network: shrunk, kept, limited, exported."""

from __future__ import annotations

import base64
import hashlib
import io
import json

from PIL import Image

from tests.browser.conftest import save_visit, sign_in, wait_for_worker, wait_waiting
from tests.browser.photos import add_photos, jpeg, photo_bytes, photo_records


def _offline_form(live_server, open_browser):
    """A signed-in form, then the network gone: (context, page)."""
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#visit-form[data-ready='true']")
    return context, page


def test_a_photo_is_shrunk_upright_without_exif_and_keeps_its_capture_time(live_server, open_browser,
                                                                          tmp_path):
    _, page = _offline_form(live_server, open_browser)
    # 3000 × 2000 as stored by the camera, to be turned a quarter (EXIF orientation 6).
    original = jpeg(tmp_path / "a.jpg", exif_date="2024:05:01 09:30:00", orientation=6)
    add_photos(page, [original])

    [record] = photo_records(page)
    assert record["state"] == "draft"
    assert (record["width"], record["height"]) == (1067, 1600)  # longest side 1600, upright
    assert record["taken_at"] == "2024-05-01T09:30:00+07:00"  # EXIF DateTimeOriginal, phone's zone
    stored = photo_bytes(page, record["id"])
    assert record["size"] == len(stored) < original.stat().st_size / 3
    assert record["sha256"] == hashlib.sha256(stored).hexdigest()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (1067, 1600)
    assert not image.getexif()  # re-encoded: no EXIF left (no position, no device)
    assert page.locator("#photo-list img").count() == 1


def test_a_photo_added_offline_survives_reload_and_browser_restart(live_server, open_browser, tmp_path):
    context, page = _offline_form(live_server, open_browser)
    add_photos(page, [jpeg(tmp_path / "a.jpg", 1200, 900)])
    page.reload()  # not saved yet: it stays with the form's draft
    page.wait_for_selector("#photos-block[data-count='1']")
    save_visit(page, summary="Có ảnh")
    wait_waiting(page, 1)
    page.wait_for_selector("#photos-block[data-count='0']")  # the next visit starts without photos
    page.wait_for_selector("[data-waiting][data-photos-waiting='1']")
    assert page.inner_text("[data-waiting]") == "2 chờ gửi"  # the chip: the visit and its photo
    assert page.get_attribute("[data-chip]", "aria-label") == \
        "Không có mạng, 1 lượt đang chờ gửi, 1 ảnh đang chờ gửi"
    assert page.text_content("[data-photos-note]") == "1 ảnh đang chờ gửi."  # shown when the chip is tapped
    [record] = photo_records(page)
    assert record["state"] == "waiting" and record["visit_id"]
    live_server.recorder.wait_idle()
    context.close()
    live_server.stop()

    context = open_browser(offline=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/visits/")
    page.wait_for_selector("#visit-list li[data-photos='1']")
    item = page.locator("#visit-list li[data-photos='1']")
    assert "1 ảnh: 1 chờ gửi" in item.inner_text()
    assert item.locator("img").count() == 1
    [again] = photo_records(page)
    assert again["id"] == record["id"] and again["blob_size"] == record["size"]


def test_removing_a_photo_and_discarding_the_draft(live_server, open_browser, tmp_path):
    _, page = _offline_form(live_server, open_browser)
    add_photos(page, [jpeg(tmp_path / "a.jpg", 800, 600), jpeg(tmp_path / "b.jpg", 800, 600, seed=2)])
    assert page.locator("#photo-list li").count() == 2
    page.click("#photo-list li >> nth=0 >> button.photo-remove")
    page.wait_for_selector("#photos-block[data-count='1']")
    assert len(photo_records(page)) == 1
    page.reload()
    page.wait_for_selector("#draft-message:not([hidden])")
    page.click("#discard-draft")
    page.wait_for_selector("#photos-block[data-count='0']")
    assert photo_records(page) == []


def test_not_an_image_is_refused_on_the_phone_with_a_clear_message(live_server, open_browser, tmp_path):
    _, page = _offline_form(live_server, open_browser)
    text = tmp_path / "ghi-chu.jpg"
    text.write_text("không phải ảnh")
    broken = tmp_path / "hong.jpg"
    broken.write_bytes(jpeg(tmp_path / "whole.jpg", 800, 600).read_bytes()[:300])
    add_photos(page, [text, broken])
    error = page.inner_text("#photo-error")
    assert "“ghi-chu.jpg” không phải là ảnh hoặc ảnh bị hỏng" in error
    assert "“hong.jpg” không phải là ảnh" in error
    assert photo_records(page) == []


def test_the_count_limit_is_enforced_on_the_phone(live_server, open_browser, tmp_path):
    _, page = _offline_form(live_server, open_browser)
    files = [jpeg(tmp_path / f"{n}.jpg", 300, 200, seed=n, noise=0) for n in range(11)]
    add_photos(page, files[:9])
    add_photos(page, files[9:])  # the 11th is one too many
    assert page.locator("#photo-list li").count() == 10
    assert "Mỗi lượt có tối đa 10 ảnh" in page.inner_text("#photo-error")
    add_photos(page, files[:1])
    assert page.locator("#photo-list li").count() == 10


def test_the_export_file_carries_waiting_photos_and_imports_them(live_server, open_browser, tmp_path):
    _, page = _offline_form(live_server, open_browser)
    add_photos(page, [jpeg(tmp_path / "a.jpg", 1000, 800)])
    save_visit(page, summary="Xuất có ảnh")
    [record] = photo_records(page)
    stored = photo_bytes(page, record["id"])
    page.goto(f"{live_server.url}/visits/settings")
    page.wait_for_selector("#photo-usage[data-owed='1']")
    assert "1 ảnh đang chờ gửi" in page.inner_text("#photo-usage")
    with page.expect_download() as download:
        page.click("#export-button")
    path = tmp_path / "export.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["version"] == 2
    [photo] = exported["photos"]
    assert photo["id"] == record["id"] and photo["visit_id"] == exported["entries"][0]["id"]
    assert base64.b64decode(photo["data"]) == stored
    assert photo["sha256"] == record["sha256"] and photo["taken_at"] == record["taken_at"]
    assert "Đã xuất 1 lượt và 1 ảnh" in page.inner_text("#settings-message")

    # On a fresh device (another profile) the file brings the visit and its photo back.
    other = open_browser("other")
    fresh = other.new_page()
    sign_in(fresh, live_server.url, next_path="/visits/settings")
    other.set_offline(True)
    fresh.wait_for_selector("#settings-message[data-ready='true']", state="attached")  # the view listens
    fresh.set_input_files("#import-file", str(path))
    fresh.wait_for_selector("#settings-message:has-text('1 ảnh mới')")
    [imported] = photo_records(fresh)
    assert imported["state"] == "waiting" and photo_bytes(fresh, imported["id"]) == stored


def test_the_limits_are_the_servers_from_bootstrap(make_app, world, open_browser, tmp_path):
    from tests.browser.conftest import LiveServer

    server = LiveServer(make_app(MAX_PHOTOS_PER_VISIT=2, MAX_PHOTO_BYTES=100_000))
    server.start()
    try:
        context = open_browser()
        page = context.new_page()
        sign_in(page, server.url)
        page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # bootstrap is on the device
        page.reload()
        page.wait_for_selector("#photos-block[data-ready='true']")
        assert "Tối đa 2 ảnh" in page.inner_text("#photo-hint")
        # a camera photo still over 100 000 bytes once shrunk is refused, with its size
        add_photos(page, [jpeg(tmp_path / "to.jpg")])
        assert "Ảnh “to.jpg” vẫn quá lớn sau khi thu nhỏ" in page.inner_text("#photo-error")
        assert "tối đa 0.1 MB" in page.inner_text("#photo-error")
        small = [jpeg(tmp_path / f"{n}.jpg", 300, 200, seed=n, noise=0) for n in range(3)]
        add_photos(page, small)
        assert page.locator("#photo-list li").count() == 2
        assert "Mỗi lượt có tối đa 2 ảnh" in page.inner_text("#photo-error")
    finally:
        server.stop()


V1_DEVICE = """async ([userId, day, unitId]) => {
    const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('dicoso', 1);
        open.onupgradeneeded = () => {
            const stores = [['outbox', 'id'], ['drafts', 'key'], ['visits', 'id'], ['meta', 'key']];
            for (const [name, key] of stores) {
                open.result.createObjectStore(name, {keyPath: key});
            }
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
    });
    const visit = {id: crypto.randomUUID(), base_version: null, unit_id: unitId, start_date: day,
        end_date: day, form: 'survey', topics: [], summary: 'Từ phiên bản cũ', findings: '',
        recommendations: '', participants: 0, placement_id: null, location: null,
        client_updated_at: new Date().toISOString()};
    await new Promise((resolve) => {
        const tx = db.transaction('outbox', 'readwrite');
        tx.objectStore('outbox').put({id: visit.id, user_id: userId, visit, state: 'waiting', errors: null,
            server: null, saved_at: visit.client_updated_at, rev: 'r1'});
        tx.oncomplete = resolve;
    });
    db.close();
}"""

DATABASE_SHAPE = """async () => {
    const db = await new Promise((resolve) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => resolve(open.result);
    });
    const shape = {version: db.version, stores: [...db.objectStoreNames].sort()};
    db.close();
    return shape;
}"""


def test_a_device_on_database_version_1_keeps_its_outbox_through_the_upgrade(live_server, open_browser,
                                                                            world):
    """The photos store arrives with database version 2; what a version-1 device holds stays."""
    from datetime import date, timedelta

    from tests.browser.helpers_db import summaries

    context = open_browser()
    page = context.new_page()
    # the app's origin, on a file that runs no script (every page checks for a pending sign-out,
    # which opens the database at its current version)
    page.goto(f"{live_server.url}/manifest.webmanifest")
    day = (date.today() - timedelta(days=1)).isoformat()
    page.evaluate(V1_DEVICE, [world.cadre, day, world.commune_a1])
    assert page.evaluate(DATABASE_SHAPE)["version"] == 1
    sign_in(page, live_server.url)
    page.wait_for_selector("#photos-block[data-ready='true']")
    assert page.evaluate(DATABASE_SHAPE) == {"version": 2,
                                             "stores": ["drafts", "meta", "outbox", "photos", "visits"]}
    wait_waiting(page, 0)  # the version-1 entry was kept, then delivered
    assert "Từ phiên bản cũ" in summaries(live_server.app)
