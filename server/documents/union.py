"""A Word document laid out as a Union document (Hướng dẫn 29-HD/TWĐTN-VP on the format of the
Youth Union's documents), with python-docx: A4 portrait, margins 2/2/3/1.5 cm, Times New Roman
14 pt; the header (the issuing body top left over "***" and the number and symbol, "ĐOÀN TNCS HỒ
CHÍ MINH" bold and underlined top right over the place and date in italics); the signature block
on the right and the recipients on the left. Documents are always written in Vietnamese.

What a unit prints as the issuing body and in the signature block is its letterhead
(``server.documents.letterhead``, set per unit on the admin's unit page). Every table dicoso writes
keeps each row on one page (``w:cantSplit``, set on every row of every table when the document is
saved) and repeats its header row on each page it runs onto (``grid``'s ``w:tblHeader``).

These helpers hold no report's content: ``server.hearings.docx_report`` and
``server.reports.year_docx`` write theirs with them.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from server.documents.letterhead import Letterhead, letterhead_for
from server.units.models import Unit

FONT = "Times New Roman"
UNION = "ĐOÀN TNCS HỒ CHÍ MINH"
PREFIXES = ("Tỉnh đoàn ", "Thành đoàn ", "Huyện đoàn ", "Thị đoàn ", "Đoàn xã ", "Đoàn phường ")
#: first-line indent of body paragraphs, in cm
INDENT = 1.27
CENTER, RIGHT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def new_document() -> DocumentType:
    """An empty document with the Union's page (A4 portrait; top and bottom 2 cm, left 3 cm, right
    1.5 cm) and Normal style (Times New Roman 14, also for Vietnamese's East Asian font slot)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return document


def to_bytes(document: DocumentType) -> io.BytesIO:
    """The document saved to a buffer, rewound; no row of any table splits across pages."""
    for tr in document.element.body.iter(qn("w:tr")):  # every table's rows, nested ones too
        _flag(tr, "w:cantSplit")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def root(unit: Unit) -> Unit:
    """The top of the unit's tree (the province), whose name gives the place before the date."""
    while unit.parent is not None:
        unit = unit.parent
    return unit


def place_name(unit: Unit) -> str:
    """The place written before the date: the unit's name without the Union's word for it."""
    name = unit.name
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def date_line(day: date, place: str) -> str:
    """"Thử, ngày 05 tháng 10 năm 2025"."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def day_month(day: date) -> str:
    """"16/08"."""
    return f"{day.day:02d}/{day.month:02d}"


def format_paragraph(paragraph: Paragraph, *, size: float = 14, bold: bool = False, italic: bool = False,
                     underline: bool = False, align: Any = None, before: float = 0, after: float = 0,
                     indent: float | None = None, keep_with_next: bool = False) -> Paragraph:
    """Paragraph and run formatting; only what differs from Normal (Times New Roman 14, plain) is
    written, which keeps the document small and fast to build. ``keep_with_next``: on the same
    page as what follows (a heading, the sentence that introduces a table)."""
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if keep_with_next:
        fmt.keep_with_next = True
    if before:
        fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    for run in paragraph.runs:
        _format_run(run.font, size, bold, italic, underline)
    return paragraph


def _format_run(font: Any, size: float, bold: bool, italic: bool, underline: bool) -> None:
    if size != 14:
        font.size = Pt(size)
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if underline:
        font.underline = True


def para(container: Any, text: str, **kwargs: Any) -> Paragraph:
    """A new paragraph of ``text`` at the end of ``container`` (the document or a cell)."""
    paragraph = container.add_paragraph()
    paragraph.add_run(text)
    return format_paragraph(paragraph, **kwargs)


def body(container: Any, text: str, **kwargs: Any) -> Paragraph:
    """A body paragraph: justified, first line indented."""
    return para(container, text, **{"indent": INDENT, "align": JUSTIFY, "after": 6, **kwargs})


def heading(container: Any, text: str) -> Paragraph:
    """A section's heading ("I. KẾT QUẢ CHUNG"): bold, kept with the section's first lines."""
    return para(container, text, bold=True, before=6, after=6, keep_with_next=True)


def first_line(cell: _Cell, text: str, **kwargs: Any) -> Paragraph:
    """Write into a cell's own first paragraph (every new cell has one)."""
    cell.paragraphs[0].add_run(text)
    return format_paragraph(cell.paragraphs[0], **kwargs)


def mark_size(paragraph: Paragraph, size: float) -> None:
    """The size of the paragraph's mark: the height of an empty paragraph (an empty table cell
    would otherwise stand as tall as Normal's 14 pt)."""
    properties = paragraph._p.get_or_add_pPr()
    marks = properties.find(qn("w:rPr"))
    if marks is None:
        marks = OxmlElement("w:rPr")
        properties.append(marks)
    half_points = OxmlElement("w:sz")
    half_points.set(qn("w:val"), str(round(size * 2)))
    marks.append(half_points)


def no_borders(table: Table) -> None:
    """Drop the table's borders (the header and signature are laid out in borderless tables)."""
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def widths(table: Table, *cm: float) -> None:
    """Column widths in cm, on the grid (LibreOffice reads it) and on every cell (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, cm, strict=True):
            cell.width = Cm(width)


def cell(cells: list[_Cell], col: int, text: str, **kwargs: Any) -> None:
    """Write into one cell of a row's ``cells`` (read once per row: ``table.cell`` rebuilds the
    whole grid on every call), in 12 pt unless told otherwise."""
    first_line(cells[col], text, **{"size": 12, **kwargs})


def repeat_header(row: _Row) -> None:
    """Mark a table's first row as its header, repeated at the top of every page it runs onto."""
    _row_flag(row, "w:tblHeader")


def keep_together(row: _Row) -> None:
    """Keep a table row on one page (it moves to the next page whole instead of splitting)."""
    _row_flag(row, "w:cantSplit")


def _row_flag(row: _Row, tag: str) -> None:
    _flag(row._tr, tag)


def _flag(tr: Any, tag: str) -> None:
    properties = tr.get_or_add_trPr()
    if properties.find(qn(tag)) is None:
        flag = OxmlElement(tag)
        flag.set(qn("w:val"), "true")
        properties.append(flag)


def grid(document: DocumentType, headings: Sequence[str], rows: Sequence[Sequence[str]],
         cm: Sequence[float], *, size: float = 12, centred: Any = None, labels: bool = False) -> Table:
    """A bordered table: a header row repeated on every page, rows never split across pages, in
    ``size`` pt. ``centred(col, value)`` says which cells are centred (by default none but the
    header's); ``labels``: the first column in bold (a table of labels and values).

    Built for speed as well as looks (a province's hearing report has tens of thousands of cells,
    and python-docx's formatting costs about 1 ms a cell): the table is made with one blank data
    row, whose copies become the other rows, and each kind of cell is formatted once
    (``_CellWriter``)."""
    table = document.add_table(rows=2 if rows else 1, cols=len(headings))
    # the default template's "Table Grid" by its id: python-docx finds a style by name by walking
    # every style of the document, which was an eighth of a large hearing report's time
    table._tbl.tblPr.style = TABLE_GRID
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    first = table.rows[0]
    repeat_header(first)
    keep_together(first)
    widths(table, *cm)
    write = _CellWriter(table, size, _prototypes(document, size))
    for col, text in enumerate(headings):
        write(first.cells[col]._tc, text, bold=True, align=CENTER)
    if not rows:
        return table
    keep_together(table.rows[1])
    blank = copy.deepcopy(table.rows[1]._tr)
    for index, values in enumerate(rows):
        tr = table.rows[1]._tr if index == 0 else copy.deepcopy(blank)
        if index:
            table._tbl.append(tr)
        for col, (tc, value) in enumerate(zip(tr.iterchildren(qn("w:tc")), values, strict=True)):
            write(tc, value, bold=labels and col == 0,
                  align=CENTER if centred and centred(col, value) else None)
    return table


def _prototypes(document: DocumentType, size: float) -> dict[tuple[bool, Any], Any]:
    """The formatted cell paragraphs of the document's tables in ``size`` pt, kept with the
    document (on its part, a plain Python object) so that each kind is formatted once per document,
    not once per table: a hearing report has a table per cadre."""
    kept = document.part.__dict__.setdefault("_dicoso_cell_prototypes", {})
    return kept.setdefault(size, {})


#: the style id of "Table Grid" in python-docx's default template (tests/hearings/test_docx_format.py
#: reads the style back by its name)
TABLE_GRID = "TableGrid"


class _CellWriter:
    """Writes the cells of one table, formatting each kind of cell (bold, alignment) once: the
    first cell of a kind is written through python-docx, later ones get a copy of its paragraph
    with their own text."""

    def __init__(self, table: Table, size: float, prototypes: dict[tuple[bool, Any], Any]) -> None:
        self.table = table
        self.size = size
        self.prototypes = prototypes

    def __call__(self, tc: Any, text: str, *, bold: bool, align: Any) -> None:
        kind = (bold, align)
        prototype = self.prototypes.get(kind)
        # line breaks and tabs become <w:br/> and <w:tab/> through python-docx only
        plain = bool(text) and "\n" not in text and "\t" not in text
        if prototype is None or not plain:
            paragraph = first_line(_Cell(tc, self.table), text, size=self.size, bold=bold, align=align)
            if not text:
                mark_size(paragraph, self.size)
            elif prototype is None and plain:
                self.prototypes[kind] = copy.deepcopy(paragraph._p)
            return
        paragraph = copy.deepcopy(prototype)
        words = paragraph.find(qn("w:r")).find(qn("w:t"))
        words.text = text
        words.set(qn("xml:space"), "preserve")
        tc.replace(tc.find(qn("w:p")), paragraph)


def header(document: DocumentType, unit: Unit, number: str, day: date,
           letterhead: Letterhead | None = None) -> None:
    """The Union's header: the issuing body (the unit's letterhead: "BCH ĐOÀN TỈNH LẠNG SƠN", a
    second line where a body of it issues) and the number on the left, the Union's name and the
    place (the province's) and date on the right."""
    letterhead = letterhead or letterhead_for(unit)
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, 8, 8.5)
    left, right = table.rows[0].cells
    first, *more = letterhead.header_lines
    first_line(left, first, bold=True, align=CENTER)
    for line in more:
        para(left, line, bold=True, align=CENTER)
    para(left, "***", align=CENTER)
    para(left, f"Số: {number}", align=CENTER)
    first_line(right, UNION, size=15, bold=True, underline=True, align=CENTER)
    para(right, "", align=CENTER)
    para(right, date_line(day, place_name(root(unit))), italic=True, align=RIGHT)


def title(document: DocumentType, kind: str, summary: str) -> None:
    """The kind of document (``BÁO CÁO``) and its summary, centred in bold, over a short rule."""
    para(document, kind, size=16, bold=True, align=CENTER, before=18)
    para(document, summary, bold=True, align=CENTER)
    para(document, "-----", align=CENTER, after=12)


def sign(document: DocumentType, recipients: Sequence[str], letterhead: Letterhead,
         name: str | None = None) -> None:
    """The signature block of the letterhead: "T/M BAN THƯỜNG VỤ", the signer's title ("BÍ THƯ",
    "PHÓ BÍ THƯ"), room for the signature and the signer's name (``name`` when the letterhead
    names nobody; blank, to be written by hand, when neither does)."""
    signature(document, recipients, letterhead.on_behalf, letterhead.signer_title,
              letterhead.signer_name or name or "")


def signature(document: DocumentType, recipients: Sequence[str], on_behalf: str, position: str,
              signer: str) -> None:
    """The recipients ("Nơi nhận:") on the left; on the right who signs on whose behalf, their
    position, room for the signature and their name. The block never stands alone on a page: the
    paragraph before it (when the body ends with one) goes with it."""
    last = document.element.body[-2] if len(document.element.body) > 1 else None  # [-1]: sectPr
    if last is not None and last.tag == qn("w:p"):
        Paragraph(last, document._body).paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, 8, 8.5)
    left, right = table.rows[0].cells
    first_line(left, "Nơi nhận:", size=12, bold=True, italic=True, underline=True, before=12)
    for line in recipients:
        para(left, line, size=11)
    first_line(right, on_behalf, bold=True, align=CENTER, before=12)
    para(right, position, bold=True, align=CENTER)
    for _ in range(3):
        para(right, "", align=CENTER)
    para(right, signer, bold=True, align=CENTER)
