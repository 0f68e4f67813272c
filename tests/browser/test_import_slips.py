"""The temporary password slips after a user import, in Chromium: the print button (a module, the
CSP allows no inline script) prints them, the print stylesheet keeps only the slips, two a row, and
the CSV button downloads the same passwords."""

from __future__ import annotations

from tests.browser.test_admin import _import, _sign_in
from tests.factories import PASSWORD

USERS = ("username,full_name,role,unit_code\n"
         + "".join(f"canbo{i},Cán Bộ Số {i},cadre,T1-A1\n" for i in range(5))).encode()


def test_the_slips_print_and_download(live_server, open_browser):
    page = open_browser().new_page()
    _sign_in(page, live_server.url, "admin", PASSWORD)
    _import(page, live_server.url, "users", "can-bo.csv", USERS)
    assert page.locator(".slip").count() == 5
    passwords = page.eval_on_selector_all(".slip-password", "codes => codes.map((c) => c.textContent)")

    # "In phiếu" is bound by pwa/js/views/password-slips.js and calls the browser's print
    page.wait_for_selector("[data-print]", state="visible")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("[data-print]")
    assert page.evaluate("window.printed") is True

    with page.expect_download() as download:
        page.click("#passwords-csv")
    body = download.value.path().read_text(encoding="utf-8-sig")
    assert all(password in body for password in passwords) and "canbo4" in body

    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.locator("#passwords-once").is_visible()
    boxes = [page.locator(".slip").nth(i).bounding_box() for i in range(3)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[1]["x"] > boxes[0]["x"]  # two a row
    assert boxes[2]["y"] > boxes[0]["y"] and abs(boxes[2]["x"] - boxes[0]["x"]) < 1
