"""Export and import of waiting entries, storage state, and placement days logged offline."""

from __future__ import annotations

import json
from datetime import date, timedelta

from server.extensions import db
from server.planning.models import Placement
from tests.browser.conftest import eventually, save_visit, sign_in, wait_for_worker, wait_waiting
from tests.browser.helpers_db import only_visit, summaries


def test_export_then_import_brings_entries_back_deduplicated(live_server, open_browser, tmp_path):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    context.set_offline(True)
    save_visit(page, summary="Lượt A")
    save_visit(page, summary="Lượt B")
    page.goto(f"{live_server.url}/visits/settings")
    page.wait_for_selector("#storage-state[data-persisted]")
    with page.expect_download() as download:
        page.click("#export-button")
    path = tmp_path / "export.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["format"] == "dicoso-outbox"
    assert sorted(e["visit"]["summary"] for e in exported["entries"]) == ["Lượt A", "Lượt B"]

    # The browser's data is cleared …
    page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readwrite');
          tx.objectStore('outbox').clear();
          tx.oncomplete = () => { open.result.close(); resolve(); };
        };
    })""")
    page.reload()
    wait_waiting(page, 0)
    # … and the file brings the entries back; importing it twice adds nothing.
    page.wait_for_selector("#settings-message[data-ready='true']", state="attached")  # the view listens
    page.set_input_files("#import-file", str(path))
    page.wait_for_selector("#settings-message:has-text('2 lượt mới')")
    page.wait_for_selector("#settings-message[data-ready='true']", state="attached")  # the view listens
    page.set_input_files("#import-file", str(path))
    page.wait_for_selector("#settings-message:has-text('bỏ qua 2')")
    wait_waiting(page, 2)
    context.set_offline(False)
    wait_waiting(page, 0)
    eventually(lambda: summaries(live_server.app) == ["Lượt A", "Lượt B"])


def test_placement_day_is_logged_offline_as_a_linked_visit(live_server, open_browser, world):
    start = date.today() - timedelta(days=2)
    with live_server.app.app_context():
        placement = Placement(cadre_id=world.cadre, unit_id=world.commune_a2, start_date=start,
                              end_date=start + timedelta(days=6), tasks=["Dự sinh hoạt chi đoàn thôn"])
        db.session.add(placement)
        db.session.commit()
        placement_id = placement.id
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")
    context.set_offline(True)
    page.goto(f"{live_server.url}/visits/placement")
    assert "Dự sinh hoạt chi đoàn thôn" in page.inner_text("#placements")
    page.click(f"li[data-date='{start.isoformat()}'] a")
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.input_value("#start_date") == start.isoformat()
    assert page.input_value("#unit_id") == str(world.commune_a2)
    assert page.input_value("#placement_id") == str(placement_id)
    page.check("input[name=form][value=activity]")
    page.fill("#summary", "Ngày 1 tập sự")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    page.goto(f"{live_server.url}/visits/placement")
    page.wait_for_selector(f"li[data-date='{start.isoformat()}'] .badge-waiting")
    context.set_offline(False)
    wait_waiting(page, 0)
    eventually(lambda: summaries(live_server.app) == ["Ngày 1 tập sự"])
    visit = only_visit(live_server.app)
    assert (visit.placement_id, visit.start_date) == (placement_id, start)


def test_first_save_asks_the_browser_to_keep_storage(live_server, open_browser):
    """Chromium may evict a site's data under pressure unless persistence was granted."""
    context = open_browser()
    context.add_init_script("""
        window.__persistCalls = 0;
        navigator.storage.persisted = async () => false;
        navigator.storage.persist = async () => { window.__persistCalls += 1; return true; };
    """)
    page = context.new_page()
    sign_in(page, live_server.url)
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.evaluate("window.__persistCalls") == 0  # not asked merely for opening the form
    save_visit(page, summary="Lượt đầu")
    page.wait_for_function("window.__persistCalls === 1")
    save_visit(page, summary="Lượt hai")
    assert page.evaluate("window.__persistCalls") == 1
