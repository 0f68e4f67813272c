"""One threshold (EXPORT_DIRECT_ROWS) decides: up to it the file is answered at once, past it the
export is a job. The report pages' buttons post their own filters back; a link's ``format=`` (GET)
starts no job and points at the buttons instead."""

from __future__ import annotations

import html
import re

import pytest

from server.exports.models import ExportJob
from server.extensions import db
from tests.conftest import AuthActions
from tests.exports.support import a_year, cells, params_for, start

VISITS_2024 = "/reports/visits?first=2024-01-01&last=2024-12-31"


def _jobs(app) -> int:
    with app.app_context():
        return db.session.query(ExportJob).count()


def _export_form(page: str) -> dict[str, str]:
    """The hidden fields of the page's export form, as the browser would post them."""
    form = page.split('class="exports"')[1].split("</form>")[0]
    return {name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)}


@pytest.mark.parametrize("path", [VISITS_2024, "/reports/coverage?first=2024-01-01&last=2024-12-31",
                                  "/reports/placements?year=2024", "/reports/year"])
def test_the_pages_buttons_post_their_filters_and_a_small_file_comes_back(make_app, world, path):
    app = make_app(EXPORT_QUEUE="eager")
    a_year(app, world)
    client = app.test_client()
    AuthActions(client).sign_in("sup")
    page = client.get(path).get_data(as_text=True)
    assert 'name="format" value="xlsx"' in page and 'name="format" value="csv"' in page
    fields = _export_form(page)
    response = client.post("/exports/", data={**fields, "format": "csv"})
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    joiner = "&" if "?" in path else "?"
    assert response.get_data() == client.get(f"{path}{joiner}format=csv").get_data()
    assert _jobs(app) == 0


def test_the_threshold_decides(make_app, world):
    app = make_app(EXPORT_QUEUE="eager")
    year = a_year(app, world, extra_visits=4)
    client = app.test_client()
    AuthActions(client).sign_in("sup")
    rows = len(cells(client.get(VISITS_2024 + "&format=csv").get_data(), "csv")) - 1
    app.config["EXPORT_DIRECT_ROWS"] = rows
    assert start(client, "visits", "xlsx", **params_for("visits", year)).status_code == 200
    app.config["EXPORT_DIRECT_ROWS"] = rows - 1
    assert start(client, "visits", "xlsx", **params_for("visits", year)).status_code == 303
    assert _jobs(app) == 1


def test_a_large_export_by_link_points_at_the_buttons(make_app, world):
    app = make_app(EXPORT_QUEUE="eager", EXPORT_DIRECT_ROWS=2)
    a_year(app, world)
    client = app.test_client()
    AuthActions(client).sign_in("sup")
    response = client.get(VISITS_2024 + "&format=xlsx")
    assert response.status_code == 303
    assert response.headers["Location"] == VISITS_2024
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "được ghi ở chế độ nền" in page
    assert _jobs(app) == 0  # a GET changes nothing
