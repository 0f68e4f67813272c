"""The hearing's report as a Word document laid out as a Union document (Hướng dẫn
29-HD/TWĐTN-VP on the format of the Youth Union's documents): the Union's name top right
("ĐOÀN TNCS HỒ CHÍ MINH", bold, underlined), the issuing body top left over "***" and the number
and symbol, place and date in italics, the kind of document and its summary centred in bold, the
body in Times New Roman 14 pt, justified; a table per cadre with the month's figures and the
directions; the signature block on the right and the recipients on the left. Made with
python-docx (no hand-written XML); the document is always written in Vietnamese.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from server.hearings import services
from server.hearings.models import DirectionState, Hearing
from server.regime.counting import decimal_text
from server.units.models import Unit

FONT = "Times New Roman"
FORM_NAMES = {"survey": "Khảo sát chuyên đề", "activity": "Phối hợp, tổ chức hoạt động",
              "inspection": "Kiểm tra, giám sát", "meeting": "Dự sinh hoạt, hội nghị"}
STATUS_NAMES = {"submitted": "chờ duyệt", "approved": "đã duyệt", "returned": "trả lại"}
PREFIXES = ("Tỉnh đoàn ", "Thành đoàn ", "Huyện đoàn ", "Thị đoàn ", "Đoàn xã ", "Đoàn phường ")


def place_name(unit: Unit) -> str:
    """The place written before the date: the unit's name without the Union's word for it."""
    name = unit.name
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _format(paragraph: Paragraph, *, size: float = 14, bold: bool = False, italic: bool = False,
            underline: bool = False, align=None, before: float = 0, after: float = 0,
            indent: float | None = None) -> Paragraph:
    """Paragraph and run formatting; only what differs from Normal (Times New Roman 14, plain) is
    written, which keeps the document small and fast to build."""
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if before:
        fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    for run in paragraph.runs:
        font = run.font
        if size != 14:
            font.size = Pt(size)
        if bold:
            font.bold = True
        if italic:
            font.italic = True
        if underline:
            font.underline = True
    return paragraph


def _para(container, text: str, **kwargs) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.add_run(text)
    return _format(paragraph, **kwargs)


def _no_borders(table: Table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _widths(table: Table, *widths: float) -> None:
    """Column widths in cm, on the grid (LibreOffice reads it) and on every cell (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _cell(cells: list, col: int, text: str, **kwargs) -> None:
    """Write into one cell of a row's ``cells`` (read once per row: ``table.cell`` rebuilds the
    whole grid on every call)."""
    cell = cells[col]
    cell.paragraphs[0].add_run(text)
    _format(cell.paragraphs[0], **{"size": 12, **kwargs})


def _date_line(day: date, place: str) -> str:
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _header(document, hearing: Hearing) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, 7, 9.5)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(hearing.unit.name.upper())
    _format(left.paragraphs[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "***", align=WD_ALIGN_PARAGRAPH.CENTER)
    number = hearing.document_number or "      -BC/TĐTN"
    _para(left, f"Số: {number}", align=WD_ALIGN_PARAGRAPH.CENTER)
    right.paragraphs[0].add_run("ĐOÀN TNCS HỒ CHÍ MINH")
    _format(right.paragraphs[0], size=15, bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, _date_line(hearing.held_on, place_name(_root(hearing.unit))), italic=True,
          align=WD_ALIGN_PARAGRAPH.RIGHT)


def _root(unit: Unit) -> Unit:
    while unit.parent is not None:
        unit = unit.parent
    return unit


def _cadre_table(document, row: services.CadreRow, topic_names: dict[int, str]) -> None:
    figures = row.month
    lines = [
        ("Số ngày đi cơ sở trong tháng", str(figures.days)),
        ("Số lượt", str(figures.visits) + (" (" + "; ".join(
            f"{FORM_NAMES.get(k, k)}: {v}" for k, v in sorted(figures.by_form.items())) + ")"
            if figures.by_form else "")),
        ("Đơn vị đã đến", ", ".join(name for name, _ in figures.units.values()) or "—"),
        ("Nội dung", ", ".join(topic_names.get(t, str(t)) for t in figures.topics) or "—"),
        ("Báo cáo nộp muộn (quá 10 ngày)", str(figures.late)),
        ("Tình trạng duyệt", ", ".join(f"{STATUS_NAMES.get(k, k)}: {v}"
                                       for k, v in sorted(figures.by_status.items())) or "—"),
        ("Lũy kế năm / chỉ tiêu", f"{row.pace.days} / {row.minimum} ngày"
         + (" (chậm tiến độ)" if row.pace.behind else "")),
        ("Cần đạt đến ngày đánh giá", f"{decimal_text(row.pace.expected, 'vi')} ngày"),
        ("Số tuần có ngày đi cơ sở (từ đầu năm)", f"{row.year.active_weeks} / {len(row.year.weeks)}"),
        ("Xã, phường phụ trách chưa đến từ 90 ngày",
         ", ".join(n.unit.name for n in row.neglected) or "—"),
    ]
    if row.account is not None:
        lines += [("Tự đánh giá: kết quả", row.account.went_well or "—"),
                  ("Khó khăn, vướng mắc", row.account.difficulties or "—"),
                  ("Đề xuất, kiến nghị", row.account.proposals or "—")]
    table = document.add_table(rows=len(lines), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_of_table, (label, value) in zip(table.rows, lines, strict=True):
        cells = row_of_table.cells
        _cell(cells, 0, label, bold=True)
        _cell(cells, 1, value)
    _widths(table, 6, 10.5)


def _directions(document, row: services.CadreRow) -> None:
    if row.conclusion:
        _para(document, f"Kết luận: {row.conclusion}", indent=1.27, before=6,
              align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if not row.directions:
        return
    _para(document, "Định hướng, nhiệm vụ giao:", bold=True, indent=1.27, before=6)
    table = document.add_table(rows=1 + len(row.directions), cols=4)
    table.style = "Table Grid"
    header = table.rows[0].cells
    for col, title in enumerate(("TT", "Nội dung", "Đơn vị", "Thời hạn")):
        _cell(header, col, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for index, (line, direction) in enumerate(zip(table.rows[1:], row.directions, strict=True), start=1):
        cells = line.cells
        state = " (đã thực hiện)" if direction.state == DirectionState.DONE else ""
        _cell(cells, 0, str(index), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells, 1, direction.text + state)
        _cell(cells, 2, direction.unit.name if direction.unit else "—")
        _cell(cells, 3, direction.due_date.strftime("%d/%m/%Y"), align=WD_ALIGN_PARAGRAPH.CENTER)
    _widths(table, 1.2, 9.3, 3.5, 2.5)


def hearing_docx(hearing: Hearing) -> io.BytesIO:
    """The report of one hearing as .docx bytes."""
    from sqlalchemy import select

    from server.extensions import db
    from server.visits.models import Topic

    rows, exempt = services.hearing_rows(hearing)
    topic_names = {t.id: t.name_vi for t in db.session.scalars(select(Topic))}
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # Hướng dẫn 29: top 2 cm, bottom 2 cm, left 3 cm, right 1.5 cm
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    _header(document, hearing)
    month = f"{hearing.month.month:02d}/{hearing.month.year}"
    _para(document, "BÁO CÁO", size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    _para(document, f"Kết quả nghe cán bộ báo cáo tình hình đi cơ sở tháng {month}",
          bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    total_days = sum(r.month.days for r in rows)
    _para(document,
          f"Ngày {hearing.held_on:%d/%m/%Y}, Ban Thường vụ {hearing.unit.name} họp nghe {len(rows)} cán bộ "
          f"báo cáo tình hình đi cơ sở tháng {month}, do đồng chí {hearing.chair} chủ trì. Trong tháng, "
          f"các đồng chí đã đi cơ sở tổng cộng {total_days} ngày; "
          f"{sum(1 for r in rows if r.no_visit)} đồng chí chưa đi cơ sở; "
          f"{sum(1 for r in rows if r.pace.behind)} đồng chí chậm so với chỉ tiêu của kế hoạch. "
          "Kết quả cụ thể và định hướng đối với từng cán bộ như sau:",
          indent=1.27, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    for number, row in enumerate(rows, start=1):
        position = f" – {row.cadre.position}" if row.cadre.position else ""
        _para(document, f"{number}. Đồng chí {row.cadre.full_name}{position}", bold=True, before=12, after=6)
        _cadre_table(document, row, topic_names)
        _directions(document, row)
    if exempt:
        _para(document, "Cán bộ được miễn chỉ tiêu trong năm: " + "; ".join(
            f"{cadre.full_name} ({reason})" for cadre, reason in exempt) + ".",
            indent=1.27, before=12, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    signature = document.add_table(rows=1, cols=2)
    _no_borders(signature)
    _widths(signature, 8, 8.5)
    left, right = signature.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:")
    _format(left.paragraphs[0], size=12, bold=True, italic=True, underline=True, before=12)
    for line in ("- Ban Thường vụ (để b/c);", "- Các đồng chí cán bộ (để t/h);", "- Lưu VP."):
        _para(left, line, size=11)
    right.paragraphs[0].add_run("T/M BAN THƯỜNG VỤ")
    _format(right.paragraphs[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _para(right, "CHỦ TRÌ", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(3):
        _para(right, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, hearing.chair, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer
