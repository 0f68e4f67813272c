"""The year report's table of cadres comes in pages of ROWS_PER_PAGE (a province's 5,000 cadres were
1.64 MB of HTML on one page); the summary and charts are of every cadre, and the exports keep every
row."""

from __future__ import annotations

import csv
import io
import re

from server.extensions import db
from server.reports import views
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
