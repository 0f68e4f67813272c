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
#: a text cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
#: (tab and CR too: some spreadsheets strip them and read what follows); OWASP's "CSV Injection",
#: and NUL, which ASVS 5.0 (1.2.10) adds
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
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


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs: text starting like a formula gets a leading
    single quote, which spreadsheets show as text and people still read ("'+84 912…"). Numbers stay
    numbers, a negative one included: only text a person typed can carry a formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(table: Table, rows: Iterable[Any], out: IO[bytes]) -> None:
    """Every CSV dicoso writes goes through here, each cell through ``csv_cell``."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([csv_cell(str(c.label)) for c in table.columns])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    text.flush()
    text.detach()  # leave ``out`` open for the caller


def write_xlsx(table: Table, rows: Iterable[Any], out: IO[bytes]) -> None:
    """Dates are real dates (dd/mm/yyyy), numbers numbers, text always text: XlsxWriter's
    ``write_string`` never turns "=..." typed by a user into a formula (so, unlike the CSV, no
    quote is needed). About 15 µs a cell: a large export runs as a job (server/exports)."""
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
                sheet.write_string(r, c, str(value))
    book.close()
