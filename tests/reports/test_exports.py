"""Exports hold exactly the page's rows and sums: XLSX read back with openpyxl, CSV with csv."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
from datetime import date, datetime

import openpyxl

from server.auth.models import User
from server.extensions import db
from server.planning.models import Placement, PlacementReport
from tests.reports.data import build_year, visit


def _page_rows(page: str) -> list[list[str]]:
    table = page.split('id="report-table"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    cells = r"<td[^>]*>(.*?)</td>"
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(cells, tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _as_page(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def _csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _setup(app, world):
    with app.app_context():
        year = build_year(world)
        p = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2024, 2, 26),
                      end_date=date(2024, 3, 3), tasks=["Dự họp chi đoàn", "Khảo sát thanh niên"],
                      mentor_name="Bí Thư Mẫu")
        db.session.add(p)
        db.session.flush()
        db.session.add(PlacementReport(id=uuid.uuid4(), placement_id=p.id, text="Tuần thực tế bổ ích."))
        visit(world.cadre, world.commune_a1, date(2024, 2, 27), 2, placement_id=p.id, summary="=1+1 chào",
              placement_tasks=["Dự họp chi đoàn"])
        db.session.commit()
    return year


def test_every_report_exports_the_rows_of_its_page(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("sup")
    for path in (f"/reports/year?plan={year.plan}", "/reports/placements?year=2024"):
        page_rows = _page_rows(client.get(path).get_data(as_text=True))
        assert page_rows, path
        sheet = _xlsx(client.get(path + "&format=xlsx"))
        assert [[_as_page(v) for v in row] for row in sheet[1:]] == page_rows, path
        rows = _csv(client.get(path + "&format=csv"))
        assert len(rows) == len(page_rows) + 1, path


def test_coverage_exports_the_units_of_its_page(app, client, auth, world):
    _setup(app, world)
    auth.sign_in("sup")
    path = "/reports/coverage?first=2024-01-01&last=2024-12-31"
    page = client.get(path).get_data(as_text=True)
    cells = r"<t[hd][^>]*>(.*?)</t[hd]>"
    page_rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(cells, tr, re.S)]
                 for tr in re.findall(r'<tr class="(?:not-)?visited">(.*?)</tr>', page, re.S)]
    sheet = _xlsx(client.get(path + "&format=xlsx"))
    exported = [[_as_page(row[1]), _as_page(row[3]), _as_page(row[4]) or "Chưa đến", row[5] or ""]
                for row in sheet[1:]]
    assert exported == page_rows
    assert sum(row[3] for row in sheet[1:]) == 8  # approved visits of 2024 at A1, A2, B1
    assert [row[1] for row in _csv(client.get(path + "&format=csv"))[1:]] == [r[0] for r in page_rows]


def test_year_xlsx_sums_equal_the_summary(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("sup")
    response = client.get(f"/reports/year?plan={year.plan}&format=xlsx")
    assert "year-2024-approved.xlsx" in response.headers["Content-Disposition"]  # what it counts
    sheet = _xlsx(response)
    header, rows = sheet[0], sheet[1:]
    assert header[:6] == ("Cán bộ", "Đơn vị", "Kết quả", "Số ngày", "Số ngày tối thiểu", "Miễn, giảm")
    # 20 days of the hand-built year + 27/02 of the placement visit (28/02 was already counted)
    assert sum(r[3] for r in rows) == 21
    assert sum(r[7] for r in rows) == 7
    assert [r[2] for r in rows].count("Đạt") == 2
    assert isinstance(rows[0][3], int)
    # the exemption's reason beside the exempt cadre
    assert ("Cán Bộ Đi Học", "Được miễn", "Đi học") in [(r[0], r[2], r[5]) for r in rows]


def test_csv_keeps_diacritics_and_dates(app, client, auth, world):
    _setup(app, world)
    auth.sign_in("sup")
    rows = _csv(client.get("/reports/placements?year=2024&format=csv"))
    assert rows[0][:3] == ["Cán bộ tập sự", "Đơn vị", "Từ ngày"]
    assert rows[1][:4] == ["Cán Bộ Thử", "Đoàn xã A1", "2024-02-26", "2024-03-03"]
    # days logged, tasks, tasks covered, covered, not covered, mentor, closing report
    assert rows[1][5:] == ["2", "2", "1", "Dự họp chi đoàn", "Khảo sát thanh niên", "Bí Thư Mẫu",
                           "Tuần thực tế bổ ích."]


def test_placements_xlsx_counts_tasks_covered_as_numbers(app, client, auth, world):
    _setup(app, world)
    auth.sign_in("sup")
    header, row = _xlsx(client.get("/reports/placements?year=2024&format=xlsx"))
    assert header[6:10] == ("Số nhiệm vụ", "Số nhiệm vụ đã thực hiện", "Nhiệm vụ đã thực hiện",
                             "Nhiệm vụ chưa thực hiện")
    assert row[6:] == (2, 1, "Dự họp chi đoàn", "Khảo sát thanh niên", "Bí Thư Mẫu", "Tuần thực tế bổ ích.")


def test_visit_list_export_real_dates_and_text_left_as_text(app, client, auth, world):
    _setup(app, world)
    auth.sign_in("sup")
    page = client.get("/reports/visits?first=2024-01-01&last=2024-12-31").get_data(as_text=True)
    count = int(re.search(r'id="count">(\d+)<', page).group(1))
    sheet = _xlsx(client.get("/reports/visits?first=2024-01-01&last=2024-12-31&format=xlsx"))
    assert len(sheet) - 1 == count == 10
    typed = next(r for r in sheet[1:] if r[9] == "=1+1 chào")  # a formula typed by a user stays text
    assert typed[0] == datetime(2024, 2, 27) and typed[2] == 2 and typed[6] == "Khảo sát chuyên đề"
    approved = _xlsx(client.get("/reports/visits?first=2024-01-01&last=2024-12-31&status=approved"
                                "&form=activity&format=xlsx"))
    assert len(approved) - 1 == 2


def test_english_session_gets_english_headers(app, client, auth, world):
    year = _setup(app, world)
    with app.app_context():
        db.session.get(User, world.supervisor).locale = "en"
        db.session.commit()
    auth.sign_in("sup")
    assert _csv(client.get(f"/reports/year?plan={year.plan}&format=csv"))[0][:5] == [
        "Cadre", "Unit", "Result", "Number of days", "Minimum days"]


def test_cli_writes_each_report(app, runner, world, tmp_path):
    _setup(app, world)
    out = tmp_path / "year.xlsx"
    result = runner.invoke(args=["report", "year", "--year", "2024", "--unit", "T1-A", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Cán Bộ Khác", "Cán Bộ Thử"]
    for args in (["coverage", "--from", "2024-01-01", "--to", "2024-12-31"], ["placements", "--year", "2024"],
                 ["visits", "--from", "2024-01-01", "--to", "2024-12-31", "--lang", "en"]):
        out = tmp_path / f"{args[0]}.csv"
        result = runner.invoke(args=["report", *args, "--format", "csv", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert out.read_text(encoding="utf-8-sig").startswith("From,To,Number of days,Cadre")
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 11
    bad = runner.invoke(args=["report", "year", "--year", "1999", "-o", str(tmp_path / "x.csv")])
    assert bad.exit_code != 0 and "no plan for 1999" in bad.output
