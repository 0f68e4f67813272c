"""A streaming XLSX writer for one report table: the sheet's rows go to a temporary file as XML,
never more than a batch of them in memory, then into the zip.

XlsxWriter (constant_memory) spent about 15 µs of Python per cell: 100,000 visits (1.2 million
cells) took 20 s of CPU, too near the 30 s an export may take (docs/benchmarks.md, "Export jobs").
A report needs a small part of the format: one sheet, a bold header row frozen at the top, column
widths, text, numbers and dates. Text is written as inline strings, which no spreadsheet evaluates:
"=HYPERLINK(…)" typed into a visit stays text (docs/reports.md, "Exports").
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

#: Excel counts days from here (its 1900 leap-year bug makes 1 March 1900 day 61, as here)
EPOCH = date(1899, 12, 30)
#: rows joined and written at once
BATCH = 500
COPY_BYTES = 1024 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
#: a literal "_x0041_" would be read back as "A": its underscore is escaped first, as Excel does
_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
#: control characters XML cannot carry, written as Excel's _xHHHH_ escapes
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_NEEDS_WORK = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")

_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = _HEADER + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>")
_ROOT_RELS = _HEADER + (
    f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = _HEADER + (
    f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
#: cell styles: 0 plain, 1 bold (the header), 2 a date as dd/mm/yyyy
_STYLES = _HEADER + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text(value: str) -> str:
    """``value`` as XML character data, with Excel's escapes for what XML cannot hold."""
    if not _NEEDS_WORK.search(value):
        return value
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _LITERAL_ESCAPE.sub(r"_x005F\1", value)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime(1899, 12, 30)
        return f'<c r="{ref}" s="2"><v>{delta.days + delta.seconds / 86400!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - EPOCH).days}</v></c>'
    return _cell(ref, str(value))


def write(out: IO[bytes], sheet_name: str, headers: Sequence[str], widths: Sequence[float],
          rows: Iterable[Sequence[Any]]) -> None:
    """One sheet named ``sheet_name`` (at most 31 characters) with a bold, frozen header row."""
    letters = [column_letters(i) for i in range(len(headers))]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        book.writestr("xl/workbook.xml", _HEADER + (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{text(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        with tempfile.TemporaryFile() as data:
            rows_written = _sheet_data(data, letters, headers, rows)
            data.seek(0)
            cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                           for i, w in enumerate(widths, start=1))
            with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                # the used range, which readers such as openpyxl's read-only mode need to give every
                # row all its columns: known once the rows are written, hence the temporary file
                sheet.write((_HEADER + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                             f'<dimension ref="A1:{letters[-1]}{rows_written + 1}"/><sheetViews>'
                             '<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" '
                             'topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection '
                             'pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                             f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>').encode())
                shutil.copyfileobj(data, sheet, COPY_BYTES)
                sheet.write(b"</worksheet>")


def _sheet_data(out: IO[bytes], letters: list[str], headers: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> int:
    """Write ``<sheetData>`` (the header row, then ``rows``) to ``out``; the number of rows."""
    head = "".join(f'<c r="{c}1" s="1" t="inlineStr"><is><t>{text(h)}</t></is></c>'
                   for c, h in zip(letters, headers, strict=True))
    out.write(f'<sheetData><row r="1">{head}</row>'.encode())
    batch: list[str] = []
    r = 1
    for r, row in enumerate(rows, start=2):  # r: the last row number, after the loop
        cells = "".join(_cell(f"{letters[c]}{r}", v) for c, v in enumerate(row) if v is not None and v != "")
        batch.append(f'<row r="{r}">{cells}</row>')
        if len(batch) == BATCH:
            out.write("".join(batch).encode())
            batch.clear()
    out.write(("".join(batch) + "</sheetData>").encode())
    return r - 1
