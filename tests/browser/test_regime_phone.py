"""The phone's figure is the server's: the written cases run against pwa/js/regime.js in Chromium,
and the year card on home shows the server's days after every sync, plus the visits not sent
yet while offline (by the same rule)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from server.auth.models import User
from server.extensions import db
from server.planning.models import Plan
from server.regime.standing import standing
from server.time import today
from server.visits.models import VisitStatus
from tests.browser.conftest import save_visit, sign_in, wait_for_worker, wait_until, wait_waiting
from tests.factories import make_visit, review_visit

CASES = json.loads((Path(__file__).parent.parent / "regime" / "cases.json").read_text())
STATUSES = {"approved": ["approved"], "submitted": ["approved", "submitted"]}


def test_the_written_cases_hold_on_the_phone(live_server, open_browser):
    page = open_browser().new_page()
    sign_in(page, live_server.url, next_path="/")
    got = page.evaluate("""async ([cases, statuses]) => {
        const r = await import('/static/js/regime.js');
        const one = (c, kept) => {
            const visits = c.visits.filter((v) => kept.includes(v.status));
            const days = r.countDays(visits, c.first, c.last);
            return {days, weeks: r.activeWeeks(visits, c.first, c.last)};
        };
        const days = cases.days.map((c) => Object.fromEntries(
            Object.entries(statuses).map(([counting, kept]) => [counting, one(c, kept)])));
        return {days, pace: cases.pace.map((c) => r.expectedDays(c.minimum, c.on)),
                neglect: cases.neglect.map((c) => r.isNeglected(c.last_visit, c.on))};
    }""", [CASES, STATUSES])
    assert got["days"] == [case["expected"] for case in CASES["days"]]
    assert got["pace"] == [case["expected"] for case in CASES["pace"]]
    assert got["neglect"] == [case["neglected"] for case in CASES["neglect"]]


def _server_days(app, cadre_id: int) -> tuple[int, int]:
    with app.app_context():
        found = standing(db.session.get(User, cadre_id), today())
        return found.days, found.days_approved


def _card(page) -> tuple[int, int, bool]:
    return (int(page.inner_text("#year-card [data-figure=days]")),
            int(page.inner_text("#year-card [data-figure=days-approved]")),
            page.is_visible("#year-card [data-figure=unsent]"))


def _sync(page) -> None:
    page.evaluate("async () => { await (await import('/static/js/sync.js')).syncNow(); }")


def _fresh_card(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#year-card[data-phone=true]")


def test_the_year_card_is_the_servers_figure_offline_and_online(live_server, open_browser, world):
    app = live_server.app
    on = date.today()
    # visits from the year's first days: never in the future, whatever the day the test runs
    first = date(on.year, 1, 1)
    with app.app_context():
        db.session.add(Plan(year=on.year, title="Kế hoạch thử", minimum_days=60))
        approved = make_visit(world.cadre, world.commune_a1, first, days=3).id
        waiting = make_visit(world.cadre, world.commune_a1, first + timedelta(days=1), days=3).id  # overlaps
        returned = make_visit(world.cadre, world.commune_a2, first + timedelta(days=10), days=2).id
        review_visit(approved, world.supervisor, VisitStatus.APPROVED)
        review_visit(returned, world.supervisor, VisitStatus.RETURNED, "Bổ sung")
        db.session.commit()
    assert _server_days(app, world.cadre) == (4, 3)  # 1–4 January once; the returned one never

    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path="/")
    wait_for_worker(page)
    wait_until(page, "async () => Boolean(await (await import('/static/js/sync.js')).standing())")
    _fresh_card(page, f"{live_server.url}/")
    assert _card(page) == (4, 3, False)

    # offline: a visit on a day not covered yet counts on the phone at once, said to be unsent
    context.set_offline(True)
    new_day = first + timedelta(days=20)
    page.goto(f"{live_server.url}/visits/new")
    save_visit(page, day=new_day.isoformat())
    wait_waiting(page, 1)
    _fresh_card(page, f"{live_server.url}/")
    assert _card(page) == (5, 3, True)
    weeks = int(page.get_attribute("#year-card .weeks-strip", "data-weeks-active"))
    # the phone redraws the strip as the server draws it: a square per week, one line naming those
    # with a day (the new day's week by its Monday, or 1 January) for screen readers
    assert page.locator("#year-card .weeks-strip li.on").count() == weeks
    week_start = max(new_day - timedelta(days=new_day.weekday()), first)
    assert f"{week_start:%d/%m/%Y}" in page.inner_text("#year-card [data-weeks-list]")

    # online again: the server has it, and the phone says what the server says
    context.set_offline(False)
    wait_waiting(page, 0)
    _fresh_card(page, f"{live_server.url}/")
    assert _card(page) == (*_server_days(app, world.cadre), False) == (5, 3, False)
    assert int(page.get_attribute("#year-card .weeks-strip", "data-weeks-active")) == weeks

    # the supervisor returns the overlapping visit: after the next sync the phone drops its 4 January
    with app.app_context():
        review_visit(waiting, world.supervisor, VisitStatus.RETURNED, "Sai ngày")
        db.session.commit()
    _sync(page)
    _fresh_card(page, f"{live_server.url}/")
    assert _card(page) == (*_server_days(app, world.cadre), False) == (4, 3, False)
