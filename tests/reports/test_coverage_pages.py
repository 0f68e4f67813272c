"""The coverage report's tables of units come in pages of whole parent units (UNITS_PER_PAGE; a
province's 3,000 units were 268 KB of HTML); the summary by parent shows every parent on every page,
and the export keeps every unit."""

from __future__ import annotations

import csv
import io
import re

from server.reports import views


def _captions(html: str) -> list[str]:
    return re.findall(r"<caption>([^<·]+) ·", html)


def test_the_units_come_in_pages_of_whole_parents(app, client, auth, world, monkeypatch):
    auth.sign_in("admin")
    url = "/reports/coverage?first=2025-01-01&last=2025-12-31"
    whole = client.get(url).get_data(as_text=True)
    parents = _captions(whole)
    assert len(parents) >= 2 and 'rel="next"' not in whole
    monkeypatch.setattr(views, "UNITS_PER_PAGE", 1)
    pages = [client.get(f"{url}&page={n}").get_data(as_text=True) for n in range(1, len(parents) + 1)]
    assert [caption for page in pages for caption in _captions(page)] == parents
    assert all(len(_captions(page)) == 1 for page in pages)
    assert 'rel="next"' in pages[0] and "page=2" in pages[0]
    assert client.get(f"{url}&page={len(parents) + 1}").status_code == 404
    exported = client.get(f"{url}&format=csv").get_data().decode("utf-8-sig")
    names = {row[1] for row in list(csv.reader(io.StringIO(exported)))[1:]}
    assert len(names) == len(re.findall(r'<tr class="(?:visited|not-visited)">', whole))
