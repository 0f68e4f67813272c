"""Write a report table as CSV (UTF-8 with a BOM, so Excel shows Vietnamese) or XLSX (streamed
row by row with XlsxWriter's constant_memory mode, dates as real dates)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter

from server.reports.tables import Table

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write(table: Table, fmt: str, out: IO[bytes],
          progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> None:
    """Write ``table`` to the binary file ``out``; ``progress`` may wrap the rows (a CLI bar)."""
    rows = progress(table.rows) if progress else table.rows
    if fmt == "csv":
        write_csv(table, rows, out)
    elif fmt == "xlsx":
        write_xlsx(table, rows, out)
    else:
        raise ValueError(fmt)


def write_csv(table: Table, rows: Iterable[Any], out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([str(c.label) for c in table.columns])
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
    text.flush()
    text.detach()  # leave ``out`` open for the caller


def write_xlsx(table: Table, rows: Iterable[Any], out: IO[bytes]) -> None:
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(table.name[:31])
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, str(column.label), bold)
        sheet.set_column(col, col, 12 if column.kind in ("date", "int") else 24)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date | datetime):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                # strings_to_formulas is off, yet write_string also keeps "=..." typed by a user as text
                sheet.write_string(r, c, str(value))
    book.close()
