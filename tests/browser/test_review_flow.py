"""End to end in Chromium: a visit saved offline on a cadre's phone syncs; a supervisor returns it
with a comment; the phone pulls it and shows the comment; the cadre edits it offline and it syncs
back as submitted; the supervisor approves it; the phone then refuses further edits, saying why."""

from __future__ import annotations

from tests.browser.conftest import save_visit, sign_in, wait_for_worker, wait_waiting
from tests.browser.helpers_db import only_visit


def test_a_visit_goes_from_phone_to_review_and_back(live_server, open_browser):
    phone = open_browser("phone")
    cadre = phone.new_page()
    sign_in(cadre, live_server.url)
    wait_for_worker(cadre)
    phone.set_offline(True)
    save_visit(cadre, summary="Dự sinh hoạt chi đoàn thôn Bản Chắt")
    wait_waiting(cadre, 1)
    phone.set_offline(False)
    wait_waiting(cadre, 0)

    office = open_browser("office", fast_sync=False)
    supervisor = office.new_page()
    missing = []
    supervisor.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    sign_in(supervisor, live_server.url, username="sup", next_path="/review/")
    supervisor.click("#queue-list a.queue-main")
    supervisor.fill("#comment", "Ghi rõ số đoàn viên tham gia")
    supervisor.click("form.return-form button[type=submit]")
    supervisor.wait_for_selector(".flash-success")

    cadre.goto(f"{live_server.url}/visits/")
    returned = cadre.locator("#visit-list li[data-state=returned]")
    returned.wait_for()
    assert "Ghi rõ số đoàn viên tham gia" in returned.inner_text()
    assert "Bị trả lại" in returned.inner_text()

    phone.set_offline(True)
    returned.locator("a").click()
    cadre.wait_for_selector("#visit-form[data-ready='true']")
    cadre.fill("#participants", "27")
    cadre.click("#visit-form button[type=submit]")
    cadre.wait_for_url(f"{live_server.url}/visits/")
    waiting = cadre.locator("#visit-list li[data-state=waiting]")
    waiting.wait_for()
    assert "Chưa gửi" in waiting.inner_text()
    phone.set_offline(False)
    wait_waiting(cadre, 0)
    visit = only_visit(live_server.app)
    assert (visit.status, visit.version, visit.participants) == ("submitted", 3, 27)
    sent = cadre.locator("#visit-list li[data-state=submitted]")
    sent.wait_for()
    assert "Đã gửi, chờ duyệt" in sent.inner_text()

    supervisor.goto(f"{live_server.url}/review/visits/{visit.id}")
    history = supervisor.locator(".history").inner_text()
    assert "Cán bộ đã sửa" in history and "→ 27" in history  # the change in participants
    supervisor.click("#review-actions form button.primary")
    supervisor.wait_for_selector(".flash-success")
    assert only_visit(live_server.app).status == "approved"

    cadre.reload()
    approved = cadre.locator("#visit-list li[data-state=approved]")
    approved.wait_for()
    assert approved.locator("a").count() == 0  # no edit link on an approved visit
    phone.set_offline(True)
    cadre.goto(f"{live_server.url}/visits/new?edit={visit.id}")
    cadre.wait_for_selector("#visit-form[data-locked='true']")
    assert "đã được duyệt" in cadre.inner_text("#form-message")
    assert cadre.is_disabled("#visit-form button[type=submit]")

    # The review pages the supervisor opened were never stored by the service worker: a stale copy
    # could show a returned visit as still waiting, and it is another person's data.
    stored = supervisor.evaluate("""async () => {
        const keys = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) keys.push(request.url);
        }
        return keys;
    }""")
    assert stored, "the service worker should have cached the app shell"
    assert not [url for url in stored if "/review/" in url], stored
    assert not missing, missing  # every script and file the review pages ask for exists
