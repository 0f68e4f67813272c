"""A probationary cadre's home shows the placement of the day, offline, by the phone's date: which
day of the week it is, what is left, a button to log today (then today's state), the tasks; the
placement page never offers a day that has not come."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Placement
from server.units.models import Unit
from tests.browser.conftest import sign_in, wait_for_worker, wait_pulled, wait_waiting
from tests.factories import PASSWORD


def test_home_shows_the_day_of_the_placement_and_never_a_future_day(live_server, open_browser, world):
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the test browser's and the server's
    start = today - timedelta(days=2)
    with live_server.app.app_context():
        tapsu = create_user("tapsu", "Tập Sự Thử", PASSWORD, db.session.get(Unit, world.district_a),
                            Role.CADRE, is_probationary=True, is_full_time=False)
        placement = Placement(cadre=tapsu, unit_id=world.commune_a1, start_date=start,
                              end_date=start + timedelta(days=6), tasks=["Dự sinh hoạt chi đoàn"])
        db.session.add(placement)
        db.session.commit()
        placement_id = placement.id

    context = open_browser()
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, username="tapsu", next_path="/")
    assert "Hôm nay là ngày 3/7" in page.inner_text("#home-placement")  # the server's, without the script
    wait_for_worker(page)
    wait_pulled(page)
    context.set_offline(True)

    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#home-placement[data-phone=true]")
    card = page.inner_text("#home-placement")
    assert "Đợt tập sự tại Đoàn xã A1" in card and "Hôm nay là ngày 3/7" in card
    assert "còn 4 ngày sau hôm nay" in card and "Dự sinh hoạt chi đoàn" in card
    page.click(f"#home-placement a[href='/visits/new?placement={placement_id}&date={today.isoformat()}']")
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.input_value("#start_date") == today.isoformat()
    page.check("input[name=form][value=activity]")
    page.check("input[name=placement_tasks]")
    page.fill("#summary", "Dự sinh hoạt chi đoàn thôn Bản Pục")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    wait_waiting(page, 1)

    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#home-placement[data-phone=true] [data-today][data-state=waiting]")
    assert page.locator("#home-placement a.button").count() == 0  # today is logged: not offered again
    assert page.locator("#home-placement li[data-covered]").count() == 1

    page.goto(f"{live_server.url}/visits/placement")
    section = f"section[data-placement='{placement_id}']"
    page.wait_for_selector(f"{section} li[data-date='{today.isoformat()}'][data-state=waiting]")
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert page.locator(f"{section} li[data-date='{tomorrow}'] [data-not-yet]").count() == 1
    assert page.locator(f"{section} li[data-date='{tomorrow}'] a").count() == 0
    yesterday = (today - timedelta(days=1)).isoformat()
    assert page.locator(f"{section} li[data-date='{yesterday}'] a").count() == 1
