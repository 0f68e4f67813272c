"""The year report's table of cadres comes in pages of ROWS_PER_PAGE (a province's 5,000 cadres were
1.64 MB of HTML on one page); the summary and charts are of every cadre, and the exports keep every
row."""

from __future__ import annotations

import csv
import io
import re

from server.extensions import db
from server.planning.models import Plan
from server.regime.counting import Counting
from server.reports import views
from server.reports.year import year_report
from server.units.models import Unit
from tests.reports.data import build_year


def _names(page: str) -> list[str]:
    table = page[page.index('id="report-table"'):]
    table = table[:table.index("</table>")]
    return re.findall(r"<tr><td class=\"text\">([^<]+)</td>", table)


def test_the_cadres_come_in_pages_and_the_export_keeps_them_all(app, client, auth, world, monkeypatch):
    with app.app_context():
        year = build_year(world)
        db.session.commit()
    auth.sign_in("admin")
    everyone = _names(client.get(f"/reports/year?plan={year.plan}").get_data(as_text=True))
    assert len(everyone) >= 3
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 2)
    first = client.get(f"/reports/year?plan={year.plan}").get_data(as_text=True)
    pages = [first] + [client.get(f"/reports/year?plan={year.plan}&page={n}").get_data(as_text=True)
                       for n in range(2, -(-len(everyone) // 2) + 1)]
    assert [name for page in pages for name in _names(page)] == everyone
    assert all(len(_names(page)) <= 2 for page in pages)
    # the pager keeps the report's other choices, and says how many in all
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert f"plan={year.plan}" in following
    assert f"Tổng cộng {len(everyone)}" in first
    assert client.get(f"/reports/year?plan={year.plan}&page={len(pages) + 1}").status_code == 404
    exported = client.get(f"/reports/year?plan={year.plan}&format=csv").get_data().decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(exported))][1:] == everyone


def test_a_page_of_the_report_says_what_the_whole_report_says(app, world):
    """A page asks the regime for its own cadres' figures and for everyone's days; its rows are the
    whole report's, in order, and its summary and month chart are the whole report's."""
    with app.app_context():
        year = build_year(world)
        plan, province = db.session.get(Plan, year.plan), db.session.get(Unit, world.province)
        for counting in Counting:
            whole = year_report(plan, province, counting)
            count = -(-len(whole.rows) // 2)
            pages = [year_report(plan, province, counting, page=n, per_page=2) for n in range(1, count + 1)]
            assert count >= 2 and whole.page is None
            assert [row for page in pages for row in page.rows] == whole.rows, counting
            assert all(page.summary == whole.summary for page in pages), counting
            assert all(page.visits_by_month == whole.visits_by_month for page in pages), counting
            assert [(page.page.page, page.page.total) for page in pages] == [
                (n, len(whole.rows)) for n in range(1, count + 1)]
            assert year_report(plan, province, counting, page=count + 1, per_page=2) is None
            assert year_report(plan, province, counting, page=0, per_page=2) is None
