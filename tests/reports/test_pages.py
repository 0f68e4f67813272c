"""Report pages: who may see them, scope, the figures on the page, charts without outside links."""

from __future__ import annotations

import re

from server.extensions import db
from tests.reports.data import build_year


def _year(app, world):
    with app.app_context():
        year = build_year(world)
        db.session.commit()
    return year


def test_cadres_get_403_and_strangers_sign_in(app, client, auth, world):
    assert client.get("/reports/year").status_code == 302
    auth.sign_in("cadre")
    for path in ("/reports/", "/reports/year", "/reports/coverage", "/reports/placements", "/reports/visits",
                 "/reports/year?format=xlsx", "/reports/visits?format=csv"):
        assert client.get(path).status_code == 403, path


def test_units_outside_ones_scope_answer_404(app, client, auth, world):
    year = _year(app, world)
    auth.sign_in("supa")
    assert client.get(f"/reports/year?plan={year.plan}&unit={world.district_a}").status_code == 200
    for path in (f"/reports/year?plan={year.plan}&unit={world.district_b}",
                 f"/reports/year?plan={year.plan}&unit={world.province}&format=csv",
                 f"/reports/coverage?unit={world.province}", f"/reports/placements?unit={world.district_b}",
                 f"/reports/visits?unit={world.district_b}&format=xlsx", "/reports/coverage?unit=99999"):
        assert client.get(path).status_code == 404, path


def test_a_district_supervisor_sees_only_district_figures(app, client, auth, world):
    year = _year(app, world)
    auth.sign_in("supa")
    page = client.get(f"/reports/year?plan={year.plan}").get_data(as_text=True)
    assert "Cán Bộ Thử" in page and "Cán Bộ Huyện B" not in page
    assert re.search(r'id="covered">2<', page)  # cadre, other_cadre (not supa: a supervisor)
    assert re.search(r'id="total-days">8<', page)
    units = re.findall(r'<option value="(\d+)"', page.split('id="unit"')[1].split("</select>")[0])
    assert units == [str(world.district_a)]


def test_year_page_states_what_it_counts_and_shows_the_summary(app, client, auth, world):
    year = _year(app, world)
    auth.sign_in("sup")
    page = client.get(f"/reports/year?plan={year.plan}").get_data(as_text=True)
    assert 'data-counting="approved">Cách tính: chỉ các lượt đã duyệt.' in page
    # shares rounded half up, written with a decimal comma
    assert re.search(r'id="with-a-visit">3 \(100,0 %\)<', page)
    assert re.search(r'id="meeting">2 \(66,7 %\)<', page)
    assert re.search(r'id="total-days">20<', page)
    page = client.get(f"/reports/year?plan={year.plan}&counting=submitted").get_data(as_text=True)
    assert 'data-counting="submitted">Cách tính: các lượt đã duyệt và đang chờ duyệt.' in page
    assert re.search(r'id="total-days">22<', page)


def test_bad_filters_get_a_message_not_a_500(app, client, auth, world):
    _year(app, world)
    auth.sign_in("sup")
    response = client.get("/reports/coverage?first=2025-05-01&last=2025-01-01")
    assert response.status_code == 400
    assert "trước ngày bắt đầu" in response.get_data(as_text=True)
    assert client.get("/reports/coverage?first=not-a-date").status_code == 400
    assert client.get("/reports/year?plan=12345").status_code == 400
    assert client.get("/reports/placements?year=abc").status_code == 400


def test_charts_are_inline_svg_with_nothing_from_outside(app, client, auth, world):
    year = _year(app, world)
    auth.sign_in("sup")
    for path in (f"/reports/year?plan={year.plan}", "/reports/coverage?first=2024-01-01&last=2024-12-31"):
        page = client.get(path).get_data(as_text=True)
        svgs = re.findall(r"<svg.*?</svg>", page, re.S)
        # the menu's icons are decoration (aria-hidden); every other drawing is a chart
        charts = [svg for svg in svgs if 'aria-hidden="true"' not in svg.split(">", 1)[0]]
        assert charts, path
        for svg in charts:
            assert 'role="img"' in svg and "<script" not in svg
            # namespace names only (pygal writes xlink's when lxml is installed); nothing to fetch
            namespaces = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
            assert set(re.findall(r"https?://[^\s\"'<>]+", svg)) <= namespaces


def test_reports_are_linked_for_reviewers_only(app, client, auth, world):
    auth.sign_in("sup")
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("cadre")
    assert 'href="/reports/"' not in client.get("/").get_data(as_text=True)


def test_a_district_supervisors_visit_export_holds_only_their_peoples_visits(app, client, auth, world):
    _year(app, world)
    auth.sign_in("supa")
    data = client.get("/reports/visits?first=2024-01-01&last=2024-12-31&format=csv").get_data()
    cadres = {row.split(",")[3] for row in data.decode("utf-8-sig").splitlines()[1:]}
    assert cadres and cadres <= {"Cán Bộ Thử", "Cán Bộ Khác"}  # district A's people only
