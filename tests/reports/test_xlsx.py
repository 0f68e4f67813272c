"""The XLSX export (server/reports/exports.py write_xlsx, XlsxWriter) read back by openpyxl, in full
and in read-only mode: types, dates, the frozen bold header, text that looks like a formula."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from server.reports.exports import write_xlsx
from server.reports.tables import Column, Table

ROWS = [
    (date(2024, 2, 29), 3, "=HYPERLINK(\"http://x\")", "+84 912", True),
    (date(1900, 3, 1), 2.5, "a & b <c>", "  spaces kept  ", False),
    (None, "", None, "", None),
    (datetime(2025, 7, 1, 12), -4, "Tiếng Việt: Đoàn xã Đồng Đăng", "x", None),
]
COLUMNS = [Column("Từ", "date"), Column("Số", "int"), Column("Tóm tắt"), Column("Ghi chú"),
           Column("Có", "int")]


def _book(read_only: bool):
    out = io.BytesIO()
    write_xlsx(Table("visits-2024-01-01-2024-12-31-and-more", COLUMNS, ROWS), iter(ROWS), out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=read_only)


@pytest.mark.parametrize("read_only", [False, True])
def test_cells_come_back_as_written(read_only):
    sheet = _book(read_only).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Từ", "Số", "Tóm tắt", "Ghi chú", "Có")
    assert rows[1] == (datetime(2024, 2, 29), 3, '=HYPERLINK("http://x")', "+84 912", True)
    assert rows[2] == (datetime(1900, 3, 1), 2.5, "a & b <c>", "  spaces kept  ", False)
    assert rows[4] == (datetime(2025, 7, 1, 12), -4, "Tiếng Việt: Đoàn xã Đồng Đăng", "x", None)
    assert len(rows) == 5


def test_formats_and_layout():
    sheet = _book(read_only=False).active
    assert sheet.title == "visits-2024-01-01-2024-12-31-an"  # 31 characters, Excel's limit
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["A2"].number_format == "dd/mm/yyyy" and sheet["A2"].is_date
    assert sheet["C2"].data_type == "s"  # text, never a formula
