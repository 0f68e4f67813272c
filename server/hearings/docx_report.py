"""The hearing's report as a Word document laid out as a Union document (Hướng dẫn
29-HD/TWĐTN-VP on the format of the Youth Union's documents): the Union's name top right
("ĐOÀN TNCS HỒ CHÍ MINH", bold, underlined), the issuing body top left over "***" and the number
and symbol, place and date in italics, the kind of document and its summary centred in bold, the
body in Times New Roman 14 pt, justified; a table per cadre with the month's figures and the
directions; the signature block on the right and the recipients on the left. Made with
python-docx (no hand-written XML); the document is always written in Vietnamese.

The Union's layout (header, title, signature, page) is ``server.documents.union``'s.
"""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT

from server.documents.union import (
    CENTER,
    FORM_NAMES,
    INDENT,
    JUSTIFY,
    cell,
    header,
    new_document,
    para,
    signature,
    title,
    to_bytes,
    widths,
)
from server.hearings import services
from server.hearings.models import DirectionState, Hearing
from server.regime.counting import decimal_text

STATUS_NAMES = {"submitted": "chờ duyệt", "approved": "đã duyệt", "returned": "trả lại"}
RECIPIENTS = ("- Ban Thường vụ (để b/c);", "- Các đồng chí cán bộ (để t/h);", "- Lưu VP.")


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
        cell(cells, 0, label, bold=True)
        cell(cells, 1, value)
    widths(table, 6, 10.5)


def _directions(document, row: services.CadreRow, topic_names: dict[int, str]) -> None:
    if row.conclusion:
        para(document, f"Kết luận: {row.conclusion}", indent=INDENT, before=6, align=JUSTIFY)
    if not row.directions:
        return
    para(document, "Định hướng, nhiệm vụ giao:", bold=True, indent=INDENT, before=6)
    table = document.add_table(rows=1 + len(row.directions), cols=5)
    table.style = "Table Grid"
    first = table.rows[0].cells
    for col, heading in enumerate(("TT", "Nội dung", "Chủ đề", "Đơn vị", "Thời hạn")):
        cell(first, col, heading, bold=True, align=CENTER)
    for index, (line, direction) in enumerate(zip(table.rows[1:], row.directions, strict=True), start=1):
        cells = line.cells
        state = " (đã thực hiện)" if direction.state == DirectionState.DONE else ""
        cell(cells, 0, str(index), align=CENTER)
        cell(cells, 1, direction.text + state)
        # the topic the committee chose for it (a retired topic keeps its name)
        cell(cells, 2, topic_names.get(direction.topic_id, "—") if direction.topic_id else "—")
        cell(cells, 3, direction.unit.name if direction.unit else "—")
        cell(cells, 4, direction.due_date.strftime("%d/%m/%Y"), align=CENTER)
    widths(table, 1.0, 6.6, 3.0, 3.3, 2.6)


def _opening(document, hearing: Hearing, rows: list[services.CadreRow], month: str) -> None:
    total_days = sum(r.month.days for r in rows)
    para(document,
         f"Ngày {hearing.held_on:%d/%m/%Y}, Ban Thường vụ {hearing.unit.name} họp nghe {len(rows)} cán bộ "
         f"báo cáo tình hình đi cơ sở tháng {month}, do đồng chí {hearing.chair} chủ trì. Trong tháng, "
         f"các đồng chí đã đi cơ sở tổng cộng {total_days} ngày; "
         f"{sum(1 for r in rows if r.no_visit)} đồng chí chưa đi cơ sở; "
         f"{sum(1 for r in rows if r.pace.behind)} đồng chí chậm so với chỉ tiêu của kế hoạch. "
         "Kết quả cụ thể và định hướng đối với từng cán bộ như sau:",
         indent=INDENT, align=JUSTIFY, after=6)


def hearing_docx(hearing: Hearing) -> io.BytesIO:
    """The report of one hearing as .docx bytes."""
    from sqlalchemy import select

    from server.extensions import db
    from server.visits.models import Topic

    rows, exempt = services.hearing_rows(hearing)
    topic_names = {t.id: t.name_vi for t in db.session.scalars(select(Topic))}
    document = new_document()
    header(document, hearing.unit, hearing.document_number or "      -BC/TĐTN", hearing.held_on)
    month = f"{hearing.month.month:02d}/{hearing.month.year}"
    title(document, "BÁO CÁO", f"Kết quả nghe cán bộ báo cáo tình hình đi cơ sở tháng {month}")
    _opening(document, hearing, rows, month)
    for number, row in enumerate(rows, start=1):
        position = f" – {row.cadre.position}" if row.cadre.position else ""
        para(document, f"{number}. Đồng chí {row.cadre.full_name}{position}", bold=True, before=12, after=6)
        _cadre_table(document, row, topic_names)
        _directions(document, row, topic_names)
    if exempt:
        para(document, "Cán bộ được miễn chỉ tiêu trong năm: " + "; ".join(
            f"{cadre.full_name} ({reason})" for cadre, reason in exempt) + ".",
            indent=INDENT, before=12, align=JUSTIFY)
    signature(document, RECIPIENTS, "T/M BAN THƯỜNG VỤ", "CHỦ TRÌ", hearing.chair)
    return to_bytes(document)
