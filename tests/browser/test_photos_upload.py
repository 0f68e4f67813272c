"""Photos reach the server after their visit, one at a time, resumably (Chromium + the live server)."""

from __future__ import annotations

import hashlib
import uuid

from tests.browser.conftest import eventually, save_visit, sign_in, wait_for_worker, wait_until, wait_waiting
from tests.browser.photos import add_photos, jpeg, kept_from, photo_bytes, photo_records, wire

SETTLED = """async () => {{
    const db = await new Promise((resolve) => {{
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => resolve(open.result);
    }});
    const all = await new Promise((resolve) => {{
        const request = db.transaction('photos').objectStore('photos').getAll();
        request.onsuccess = () => resolve(request.result);
    }});
    db.close();
    return all.length === {n} && all.every((p) => ['done', 'refused', 'locked'].includes(p.state));
}}"""


def _server_photo(app, photo_id: str):
    """(the Photo row or None, the stored file's bytes or None)."""
    from server.extensions import db
    from server.photos.models import Photo
    from server.photos.storage import photo_store

    with app.app_context():
        photo = db.session.get(Photo, uuid.UUID(photo_id))
        if photo is None:
            return None, None
        db.session.expunge(photo)
        file = photo_store().open(photo.id, "file") if photo.complete else None
        data = file.read() if file else None
        if file:
            file.close()
        return photo, data


def _offline_with_photos(live_server, open_browser, tmp_path, n: int = 1, summary: str = "Có ảnh",
                         caption: str | None = None):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # a device token exists
    context.set_offline(True)
    add_photos(page, [jpeg(tmp_path / f"p{i}.jpg", seed=i) for i in range(n)])
    if caption:
        page.fill("#photo-list li >> nth=0 >> input.photo-caption", caption)  # then "Lưu" at once
    save_visit(page, summary=summary)
    wait_waiting(page, 1)
    records = photo_records(page)
    stored = {r["id"]: photo_bytes(page, r["id"]) for r in records}
    return context, page, records, stored


def test_a_photo_uploads_after_its_visit_syncs_and_only_the_thumbnail_stays(live_server, open_browser,
                                                                           tmp_path):
    line = wire(live_server)
    context, page, [record], stored = _offline_with_photos(live_server, open_browser, tmp_path,
                                                           caption="Biên bản sinh hoạt chi đoàn")
    assert record["state"] == "waiting" and record["caption"] == "Biên bản sinh hoạt chi đoàn"
    context.set_offline(False)
    wait_until(page, SETTLED.format(n=1), timeout=60)

    photo, data = _server_photo(live_server.app, record["id"])
    assert photo.complete and str(photo.visit_id) == record["visit_id"]
    assert photo.caption == "Biên bản sinh hoạt chi đoàn"
    assert kept_from(photo, data, stored[record["id"]])
    assert hashlib.sha256(stored[record["id"]]).hexdigest() == record["sha256"] == photo.sha256
    # 64 KiB chunks, each byte sent once, in order
    offsets = [offset for _, offset, _ in line.chunks]
    assert offsets == list(range(0, record["size"], 65536))
    assert line.bytes_read == record["size"]

    [done] = photo_records(page)
    assert done["state"] == "done" and not done["has_blob"] and done["has_thumbnail"]
    page.wait_for_selector("[data-waiting][data-photos-waiting='0']")
    assert page.text_content("[data-photos-note]") == ""
    page.goto(f"{live_server.url}/visits/")
    assert "1 ảnh: 1 đã gửi" in page.locator("#visit-list li[data-photos='1']").inner_text()


def test_a_connection_cut_mid_chunk_resumes_from_the_servers_offset(live_server, open_browser, tmp_path):
    line = wire(live_server)
    line.cut_during = 2  # the second chunk dies half-way
    context, page, [record], stored = _offline_with_photos(live_server, open_browser, tmp_path)
    assert record["size"] > 2 * 65536  # three chunks: the cut one is in the middle
    context.set_offline(False)
    wait_until(page, SETTLED.format(n=1), timeout=60)

    photo, data = _server_photo(live_server.app, record["id"])
    assert kept_from(photo, data, stored[record["id"]])
    # the app received every byte exactly once: the rest after the cut, not the whole photo again
    assert line.delivered(record["id"]) == record["size"]
    offsets = [offset for _, offset, _ in line.chunks]
    assert offsets == list(range(0, record["size"], 65536))
    # on the wire: the photo plus the half chunk that was cut
    assert line.bytes_read == record["size"] + 65536 // 2


def test_an_answer_lost_after_the_server_kept_the_chunk_is_not_sent_again(live_server, open_browser,
                                                                          tmp_path):
    line = wire(live_server)
    line.lose_answer_of = 2  # the server keeps chunk 2, the phone never hears so
    context, page, [record], stored = _offline_with_photos(live_server, open_browser, tmp_path)
    context.set_offline(False)
    wait_until(page, SETTLED.format(n=1), timeout=60)

    photo, data = _server_photo(live_server.app, record["id"])
    assert kept_from(photo, data, stored[record["id"]])
    offsets = [offset for _, offset, _ in line.chunks]
    assert offsets == list(range(0, record["size"], 65536))  # the phone asked, then went on from chunk 3
    assert line.bytes_read == record["size"]


def test_photos_go_one_at_a_time_after_their_visit(live_server, open_browser, tmp_path):
    line = wire(live_server)
    context, page, records, stored = _offline_with_photos(live_server, open_browser, tmp_path, n=2)
    context.set_offline(False)
    wait_until(page, SETTLED.format(n=2), timeout=90)
    order = [pid for pid, _, _ in line.chunks]
    first, second = order[0], next(p for p in order if p != order[0])
    assert order == [first] * order.count(first) + [second] * order.count(second)  # never interleaved
    for record in records:
        photo, data = _server_photo(live_server.app, record["id"])
        assert kept_from(photo, data, stored[record["id"]])


TAMPER = """async ([id, change]) => {
    const db = await new Promise((resolve) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => resolve(open.result);
    });
    const store = db.transaction('photos', 'readwrite').objectStore('photos');
    const photo = await new Promise((resolve) => {
        const request = store.get(id);
        request.onsuccess = () => resolve(request.result);
    });
    if (change === 'checksum') photo.sha256 = 'a'.repeat(64);
    if (change === 'not-an-image') {
        const bytes = new TextEncoder().encode('không phải ảnh '.repeat(100));
        photo.blob = new Blob([bytes], {type: 'image/jpeg'});
        photo.size = bytes.length;
        const digest = await crypto.subtle.digest('SHA-256', bytes);
        photo.sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    await new Promise((resolve) => {
        const tx = db.transaction('photos', 'readwrite');
        tx.objectStore('photos').put(photo);
        tx.oncomplete = resolve;
    });
    db.close();
}"""


def test_the_servers_refusals_are_shown_on_the_visit(live_server, open_browser, tmp_path):
    """Bytes that are not an image, and a checksum that never matches, come back refused with the
    server's message; the visit list says so (the phone re-sends a checksum mismatch once)."""
    line = wire(live_server)
    context, page, records, _ = _offline_with_photos(live_server, open_browser, tmp_path, n=2)
    page.evaluate(TAMPER, [records[0]["id"], "not-an-image"])
    page.evaluate(TAMPER, [records[1]["id"], "checksum"])
    context.set_offline(False)
    wait_until(page, SETTLED.format(n=2), timeout=90)

    refused = {r["id"]: r for r in photo_records(page)}
    assert refused[records[0]["id"]]["state"] == "refused"
    assert refused[records[0]["id"]]["error"]["code"] == "not_an_image"
    assert refused[records[1]["id"]]["state"] == "refused"
    assert refused[records[1]["id"]]["error"]["code"] == "checksum_mismatch"
    # the checksum mismatch was sent twice from the start, then given up
    assert [o for pid, o, _ in line.chunks if pid == records[1]["id"]].count(0) == 2
    assert _server_photo(live_server.app, records[0]["id"]) == (None, None)
    page.goto(f"{live_server.url}/visits/")
    item = page.locator("#visit-list li[data-photos='2']")
    item.wait_for()
    text = item.inner_text()
    assert "2 ảnh: 2 máy chủ không nhận" in text
    assert text.count("Máy chủ không nhận:") == 2


def test_a_photo_of_an_approved_visit_is_refused_like_the_visit(live_server, open_browser, tmp_path):
    from tests.browser.helpers_db import only_visit
    from tests.factories import review_visit

    line = wire(live_server)
    line.refuse.set()  # the visit arrives, its photo cannot be sent yet
    context, page, [record], _ = _offline_with_photos(live_server, open_browser, tmp_path)
    context.set_offline(False)
    wait_waiting(page, 0)
    eventually(lambda: only_visit(live_server.app).id is not None)

    from server.extensions import db
    with live_server.app.app_context():
        from sqlalchemy import select

        from server.auth.models import Role, User
        reviewer = db.session.scalar(select(User).where(User.role == Role.SUPERVISOR))
        review_visit(record["visit_id"], reviewer.id, "approved")
        db.session.commit()
    line.refuse.clear()
    wait_until(page, SETTLED.format(n=1), timeout=60)
    [locked] = photo_records(page)
    assert locked["state"] == "locked" and locked["error"]["code"] == "locked"
    assert locked["has_blob"]  # kept on the phone (the export file still carries it)
    page.goto(f"{live_server.url}/visits/")
    item = page.locator("#visit-list li[data-photos='1']")
    item.wait_for()
    assert "Lượt đã duyệt, không gửi thêm ảnh được" in item.inner_text()


def test_removing_a_sent_photo_of_a_returned_visit_deletes_it_on_the_server(live_server, open_browser,
                                                                            tmp_path):
    from tests.browser.helpers_db import return_visit

    context, page, [record], _ = _offline_with_photos(live_server, open_browser, tmp_path)
    context.set_offline(False)
    wait_until(page, SETTLED.format(n=1), timeout=60)
    return_visit(live_server.app, "Thêm ảnh rõ hơn")
    page.goto(f"{live_server.url}/visits/new?edit={record['visit_id']}")
    page.wait_for_selector("#photos-block[data-count='1']")
    page.click("#photo-list button.photo-remove")
    page.wait_for_selector("#photos-block[data-count='0']")
    page.click("[data-sync-now]")
    eventually(lambda: _server_photo(live_server.app, record["id"]) == (None, None), timeout=30)
    wait_until(page, SETTLED.format(n=0), timeout=30)  # the phone forgot it too
