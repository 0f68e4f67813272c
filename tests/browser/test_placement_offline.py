"""A probationary cadre's week on the phone, offline: a day logged with the placement tasks it
carried out (shown covered at once), then the placement's closing report written; both reach the
server exactly once when the network returns, and the report is edited afterwards on top of the
server's version."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import Role
from server.auth.services import create_user
from server.extensions import db
from server.planning.models import Placement, PlacementReport, Plan
from server.units.models import Unit
from server.visits.models import Visit
from tests.browser.conftest import sign_in, wait_for_worker, wait_waiting
from tests.factories import PASSWORD

TASKS = ["Tìm hiểu tình hình Đoàn xã", "Dự sinh hoạt chi đoàn thôn", "Viết báo cáo thu hoạch"]
REPORT = "Tuần tập sự giúp em nắm cách tổ chức sinh hoạt chi đoàn.\nĐề xuất thêm một ngày ở thôn xa."


def _audits(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_closing_report_and_tasks_written_offline_arrive_once(live_server, open_browser, world):
    app = live_server.app
    start = date.today() - timedelta(days=4)
    with app.app_context():
        tapsu = create_user("tapsu", "Tập Sự Thử", PASSWORD, db.session.get(Unit, world.district_a),
                            Role.CADRE, is_probationary=True, is_full_time=False)
        placement = Placement(cadre=tapsu, unit_id=world.commune_a1, start_date=start,
                              end_date=start + timedelta(days=6), tasks=TASKS, mentor_name="Bí thư xã")
        # early in January the week may start last year: a plan for each year it touches
        plans = [Plan(year=year, title="Kế hoạch thử", minimum_days=30)
                 for year in sorted({start.year, date.today().year})]
        db.session.add_all([placement, *plans])
        db.session.commit()
        placement_id = placement.id
    form = f"#report-form-{placement_id}"
    text = f"#report-text-{placement_id}"

    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, username="tapsu", next_path="/visits/placement")
    wait_for_worker(page)
    page.reload()  # the first sync brought the placement (and its report window) onto the device
    page.wait_for_selector(f"{form}[data-ready='true']")
    live_server.recorder.wait_idle()

    context.set_offline(True)
    live_server.stop()  # airtight: nothing reaches the server until the test says so

    # a day of the placement, with two of its tasks ticked
    day = (start + timedelta(days=1)).isoformat()
    page.goto(f"{live_server.url}/visits/new?placement={placement_id}&date={day}")
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.locator("input[name=placement_tasks]").count() == len(TASKS)
    page.check(f"input[name=placement_tasks][value='{TASKS[0]}']")
    page.check(f"input[name=placement_tasks][value='{TASKS[1]}']")
    page.check("input[name=form][value=meeting]")
    page.fill("#summary", "Dự sinh hoạt chi đoàn thôn Nà Pàn")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    wait_waiting(page, 1)

    # the placement page, from the device: the day is waiting, its tasks covered; the report written
    page.goto(f"{live_server.url}/visits/placement")
    page.wait_for_selector(f"{form}[data-ready='true']")
    section = page.locator(f"section[data-placement='{placement_id}']")
    assert section.locator(f"li[data-date='{day}'] .badge-waiting").count() == 1
    covered = section.locator("li[data-task][data-covered]")
    assert [covered.nth(i).get_attribute("data-task") for i in range(covered.count())] == TASKS[:2]
    page.fill(text, REPORT)
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form}[data-saved='1']")
    wait_waiting(page, 2)
    page.reload()  # still there, from the outbox, and said to be waiting
    page.wait_for_selector(f"{form}[data-ready='true']")
    assert page.input_value(text) == REPORT
    assert "chờ gửi" in section.locator("[data-report-message]").inner_text()
    assert _audits(app, "closing_report_created") == 0

    live_server.start()
    context.set_offline(False)
    wait_waiting(page, 0)
    # synced: the day says so (never "Log this day" again, which would invite logging it twice)
    page.goto(f"{live_server.url}/visits/placement")
    page.wait_for_selector(f"{form}[data-ready='true']")
    logged = f"section[data-placement='{placement_id}'] li[data-date='{day}']"
    page.wait_for_selector(f"{logged}[data-state='submitted']")
    assert page.locator(f"{logged} a").count() == 0
    page.click("[data-sync-now]")  # one more sync: nothing is sent twice
    page.wait_for_selector("[data-sync-now]:not([disabled])")
    wait_waiting(page, 0)
    assert _audits(app, "closing_report_created") == 1 and _audits(app, "closing_report_updated") == 0
    with app.app_context():
        [report] = db.session.scalars(select(PlacementReport)).all()
        assert (report.placement_id, report.text, report.version) == (placement_id, REPORT, 1)
        [visit] = db.session.scalars(select(Visit)).all()
        assert (visit.placement_id, visit.placement_tasks) == (placement_id, sorted(TASKS[:2]))

    # edited again (online): sent on top of the server's version, under the same id
    page.goto(f"{live_server.url}/visits/placement")
    page.wait_for_selector(f"{form}[data-ready='true']")
    assert page.input_value(text) == REPORT
    page.fill(text, REPORT + "\nCảm ơn Đoàn xã.")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form}[data-saved='1']")
    wait_waiting(page, 0)
    assert _audits(app, "closing_report_updated") == 1
    with app.app_context():
        [report] = db.session.scalars(select(PlacementReport)).all()
        assert (report.text, report.version) == (REPORT + "\nCảm ơn Đoàn xã.", 2)


def test_the_phone_picks_the_placement_of_the_day_by_the_written_cases(live_server, open_browser):
    """The phone's home decides which placement to show from its own copy and date
    (home-placement.js ofTheDay): the same written cases as the server's of_the_day."""
    import json
    from pathlib import Path

    cases = json.loads((Path(__file__).parents[1] / "visits" / "placement_cases.json").read_text())["cases"]
    page = open_browser().new_page()
    page.goto(f"{live_server.url}/auth/sign-in")
    got = page.evaluate("""async (cases) => {
        const {ofTheDay} = await import('/static/js/views/home-placement.js');
        return cases.map((c) => (ofTheDay(c.placements, c.on) || {id: null}).id);
    }""", cases)
    assert got == [case["expected"] for case in cases]
