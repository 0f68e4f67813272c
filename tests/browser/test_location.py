"""The visit's location: taken from the device (GPS needs no network), synced with the visit."""

from __future__ import annotations

import pytest

from tests.browser.conftest import eventually, fill_visit, sign_in, wait_for_worker, wait_waiting
from tests.browser.helpers_db import only_visit, visit_count

LANG_SON = {"latitude": 21.8537, "longitude": 106.7615, "accuracy": 12}


def test_location_recorded_offline_reaches_the_server(live_server, open_browser):
    context = open_browser()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation(LANG_SON)
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    context.set_offline(True)

    fill_visit(page, summary="Có vị trí")
    page.click("#locate")
    page.wait_for_selector("#location-state:has-text('12 m')")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    assert page.input_value("#location") == ""  # the next visit starts without it
    wait_waiting(page, 1)

    context.set_offline(False)
    wait_waiting(page, 0)
    visit = only_visit(live_server.app)
    assert visit.summary == "Có vị trí"
    assert visit.latitude == pytest.approx(21.8537)
    assert visit.longitude == pytest.approx(106.7615)
    assert visit.accuracy_m == 12


def test_a_visit_without_location_is_fine(live_server, open_browser):
    context = open_browser()  # no permission: the cadre is told, and can save anyway
    page = context.new_page()
    sign_in(page, live_server.url)
    fill_visit(page, summary="Không có vị trí")
    page.click("#locate")
    page.wait_for_selector("#location-state:has-text('Không xác định được vị trí')")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    eventually(lambda: visit_count(live_server.app) == 1)
    visit = only_visit(live_server.app)
    assert visit.summary == "Không có vị trí" and visit.latitude is None
