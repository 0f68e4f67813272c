"""Two-factor sign-in in Chromium on a 360 px phone: a cadre turns it on (QR code and key in the
page), signs in again with the app's code, and the phone then syncs with the token it gets from
the web session (no code asked again)."""

from __future__ import annotations

import time

import pyotp

from tests.browser.conftest import PASSWORD, save_visit, wait_for_worker, wait_waiting
from tests.browser.helpers_db import summaries


def test_a_cadre_turns_it_on_signs_in_with_a_code_and_syncs(live_server, open_browser):
    base = live_server.url
    context = open_browser()
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}/auth/sign-in")
    page.fill("#username", "cadre")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")

    page.click("footer >> text=Xác thực hai lớp")
    page.wait_for_url(f"{base}/auth/two-factor/")
    page.click("main >> text=Thiết lập xác thực hai lớp")
    page.wait_for_selector("#two-factor-setup svg.qr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("svg.qr").bounding_box()
    assert box is not None and box["width"] >= 150  # big enough to scan from the screen
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("#two-factor-setup button.primary")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click(".tabbar .more summary")  # on a phone, signing out is the "More" sheet's last line
    page.click("button:has-text('Đăng xuất')")
    page.wait_for_url(f"{base}/auth/sign-in?signed_out=1")
    page.goto(f"{base}/auth/sign-in?next=/visits/new")
    page.fill("#username", "cadre")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/auth/two-factor/code")
    assert page.get_attribute("#code", "autocomplete") == "one-time-code"
    # the next step's code: the one that confirmed the set-up may still be the current one
    page.fill("#code", pyotp.TOTP(secret).at(int(time.time()) + 30))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/visits/new")

    wait_for_worker(page)
    save_visit(page, summary="Sau xác thực hai lớp")
    wait_waiting(page, 0)
    assert summaries(live_server.app) == ["Sau xác thực hai lớp"]
