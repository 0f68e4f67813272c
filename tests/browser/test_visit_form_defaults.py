"""The phone's visit form: today's dates, an end that follows the start until the cadre picks
another, assigned units first then by name, no 0 nobody typed, and a second look (offline too) at a
date over a year ago."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from server.extensions import db
from server.planning.models import Plan
from tests.browser.conftest import sign_in, wait_for_worker, wait_waiting


def _browser_today():
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the test browser's time zone


def test_the_form_starts_ready_for_today_and_asks_about_an_old_date(live_server, open_browser, world):
    today = _browser_today()
    with live_server.app.app_context():
        db.session.add(Plan(year=today.year, title="Kế hoạch thử", minimum_days=30))
        db.session.commit()
    context = open_browser()
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url)
    wait_for_worker(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#visit-form[data-ready='true']")

    assert page.input_value("#start_date") == page.input_value("#end_date") == today.isoformat()
    assert page.input_value("#participants") == ""
    options = page.eval_on_selector_all("#unit_id option", "os => os.slice(1).map((o) => o.textContent)")
    assert options == ["Đoàn xã B1", "Đoàn xã A1", "Đoàn xã A2", "Huyện đoàn A"]  # assigned, then by name

    # the end follows the start …
    page.fill("#start_date", (today - timedelta(days=3)).isoformat())
    assert page.input_value("#end_date") == (today - timedelta(days=3)).isoformat()
    # … until the cadre picks another end
    page.fill("#end_date", (today - timedelta(days=2)).isoformat())
    page.fill("#start_date", (today - timedelta(days=4)).isoformat())
    assert page.input_value("#end_date") == (today - timedelta(days=2)).isoformat()

    # over a year ago: asked once, nothing saved until confirmed
    old = (today - timedelta(days=400)).isoformat()
    page.fill("#start_date", old)
    page.fill("#end_date", old)
    page.select_option("#unit_id", label="Đoàn xã A1")
    page.check("input[name=form][value=survey]")
    page.fill("#summary", "Ghi bù chuyến đi năm trước")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#confirm-date")
    assert "hơn một năm trước" in page.inner_text("#form-message")
    assert page.get_attribute("#visit-form", "data-saved") is None
    page.click("#confirm-date")
    page.wait_for_selector("#visit-form[data-saved='1']")
    wait_waiting(page, 1)
    # a fresh form again: today's dates, following each other
    assert page.input_value("#start_date") == page.input_value("#end_date") == today.isoformat()
