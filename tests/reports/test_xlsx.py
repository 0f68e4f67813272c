"""The XLSX writer (server/reports/xlsx.py) read back by openpyxl, in full and in read-only mode:
types, dates, the frozen bold header, text that looks like a formula or holds what XML cannot."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from server.reports import xlsx

ROWS = [
    (date(2024, 2, 29), 3, "=HYPERLINK(\"http://x\")", "+84 912", True),
    (date(1900, 3, 1), 2.5, "a & b <c> \x01 _x0041_", "  spaces kept  ", False),
    (None, "", None, "", None),
    (datetime(2025, 7, 1, 12), -4, "Tiếng Việt: Đoàn xã Đồng Đăng", "x", None),
]


def _book(read_only: bool):
    out = io.BytesIO()
    xlsx.write(out, "visits-2024-01-01-2024-12-31-and-more", ["Từ", "Số", "Tóm tắt", "Ghi chú", "Có"],
               [12, 12, 24, 24, 12], iter(ROWS))
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=read_only)


@pytest.mark.parametrize("read_only", [False, True])
def test_cells_come_back_as_written(read_only):
    sheet = _book(read_only).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Từ", "Số", "Tóm tắt", "Ghi chú", "Có")
    assert rows[1] == (datetime(2024, 2, 29), 3, '=HYPERLINK("http://x")', "+84 912", True)
    # Excel reads _xHHHH_ back as the character (openpyxl leaves the escapes as they are)
    assert rows[2] == (datetime(1900, 3, 1), 2.5, "a & b <c> _x0001_ _x005F_x0041_", "  spaces kept  ", False)
    assert rows[3] == (None,) * 5  # every row has all its columns, the empty ones None
    assert rows[4] == (datetime(2025, 7, 1, 12), -4, "Tiếng Việt: Đoàn xã Đồng Đăng", "x", None)
    assert len(rows) == 5


def test_formats_and_layout():
    book = _book(read_only=False)
    sheet = book.active
    assert sheet.title == "visits-2024-01-01-2024-12-31-an"  # 31 characters, Excel's limit
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["A2"].number_format == "dd/mm/yyyy" and sheet["A2"].is_date
    assert sheet["C2"].data_type == "s"  # text, never a formula
    assert sheet.column_dimensions["A"].width == 12 and sheet.column_dimensions["C"].width == 24
    assert sheet.dimensions == "A1:E5"


def test_column_letters():
    assert [xlsx.column_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
