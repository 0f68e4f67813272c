"""Desk pages use an office screen's width: the year-end table's headers on one line, its
"Kết quả" column in view at 1280 px, the header row and the first column kept in view while the
table scrolls; forms keep their column; and at 360 px nothing pushes the page sideways."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from server.extensions import db
from server.planning.models import Plan
from tests.browser.conftest import sign_in
from tests.factories import make_visit

# DICOSO_SHOTS=/some/dir keeps screenshots of these pages to look at
SHOTS = os.environ.get("DICOSO_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def _year_with_visits(live_server, world) -> int:
    year = date.today().year
    with live_server.app.app_context():
        db.session.add(Plan(year=year, title="Kế hoạch thử", minimum_days=30))
        for n in range(3):
            make_visit(world.cadre, world.commune_a1, date(year, 1, 5) + timedelta(days=n * 7),
                       status="approved")
        db.session.commit()
    return year


def test_the_year_table_uses_the_width_and_keeps_its_header_in_view(live_server, open_browser, world):
    year = _year_with_visits(live_server, world)
    page = open_browser().new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, username="admin", next_path="/")
    page.goto(f"{live_server.url}/reports/year?year={year}")
    page.wait_for_selector("#report-table")
    assert page.evaluate("document.getElementById('main').getBoundingClientRect().width") > 1200
    heads = page.eval_on_selector_all("#report-table thead th", """cells => cells.map(
        c => ({text: c.textContent.trim(), right: c.getBoundingClientRect().right,
               height: c.getBoundingClientRect().height}))""")
    result = next(h for h in heads if h["text"] == "Kết quả")
    _shot(page, "year-1280.png")
    assert result["right"] <= 1280, result  # the decisive column is on the screen
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#report-table th')).lineHeight)")
    assert max(h["height"] for h in heads) < 2 * line + 12, heads  # one line each, not eight
    styles = page.evaluate("""() => {
        const th = document.querySelector('#report-table thead th');
        const first = document.querySelector('#report-table tbody tr > :first-child');
        return [getComputedStyle(th).position, getComputedStyle(first).position];
    }""")
    assert styles == ["sticky", "sticky"]
    # a form keeps a readable column
    page.goto(f"{live_server.url}/auth/change-password")
    assert page.evaluate("document.getElementById('main').getBoundingClientRect().width") < 800


def test_desk_pages_do_not_push_a_phone_sideways(live_server, open_browser, world):
    year = _year_with_visits(live_server, world)
    page = open_browser().new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, username="admin", next_path="/")
    for path in (f"/reports/year?year={year}", "/reports/coverage", "/review/", "/audit/"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        _shot(page, f"desk-360{path.split('?')[0].replace('/', '-')}.png")
        assert width <= 360, (path, width)  # wide tables scroll inside their frame


def test_the_hearing_fits_a_phone(live_server, open_browser, world):
    from tests.factories import make_hearing

    year = _year_with_visits(live_server, world)
    with live_server.app.app_context():
        hearing_id = make_hearing(world, unit_id=world.district_a)
        db.session.commit()
    page = open_browser().new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, username="admin", next_path="/")
    page.goto(f"{live_server.url}/hearings/{hearing_id}")
    page.wait_for_selector("table.glance")
    _shot(page, f"hearing-360-{year}.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width  # the overview table scrolls in its frame
