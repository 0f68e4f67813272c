"""The hearing's report as a Word document laid out as a Union document (Hướng dẫn
29-HD/TWĐTN-VP on the format of the Youth Union's documents): the Union's name top right
("ĐOÀN TNCS HỒ CHÍ MINH", bold, underlined), the issuing body top left over "***" and the number
and symbol, place and date in italics, the kind of document and its summary centred in bold, the
body in Times New Roman 14 pt, justified; a table per cadre with the month's figures, the
directions given at this hearing and those still open from earlier ones (or closed this month)
with their state; the signature block on the right ("T/M BAN THƯỜNG VỤ", the signer's title and
name: the hearing unit's letterhead, the hearing's chair when it names nobody) and the recipients
on the left. Made with python-docx (no hand-written XML); the document is always written in
Vietnamese.

The Union's layout (header, title, signature, page, tables whose header row repeats and whose rows
never split) is ``server.documents.union``'s.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from server.documents.letterhead import letterhead_for
from server.documents.union import (
    INDENT,
    JUSTIFY,
    grid,
    header,
    new_document,
    para,
    sign,
    title,
    to_bytes,
)
from server.hearings import services
from server.hearings.models import Direction, DirectionState, Hearing
from server.regime.counting import decimal_text
from server.time import LOCAL_ZONE, today
from server.visits.labels import form_name

STATUS_NAMES = {"submitted": "chờ duyệt", "approved": "đã duyệt", "returned": "trả lại"}
RECIPIENTS = ("- Ban Thường vụ (để b/c);", "- Các đồng chí cán bộ (để t/h);", "- Lưu VP.")
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_name(hearing: Hearing) -> str:
    """The download's name, the same whether it comes at once or from an export job."""
    return f"bao-cao-nghe-can-bo-{hearing.month:%Y-%m}-{hearing.id}.docx"


def _cadre_table(document, row: services.CadreRow, topic_names: dict[int, str]) -> None:
    figures = row.month
    lines = [
        ("Số ngày đi cơ sở trong tháng", str(figures.days)),
        ("Số lượt", str(figures.visits) + (" (" + "; ".join(
            f"{form_name(k, short=True, locale='vi')}: {v}" for k, v in sorted(figures.by_form.items())) + ")"
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
    grid(document, ("Nội dung đánh giá", "Kết quả"), lines, (6, 10.5), labels=True)


def _directions(document, row: services.CadreRow, topic_names: dict[int, str]) -> None:
    if row.conclusion:
        para(document, f"Kết luận: {row.conclusion}", indent=INDENT, before=6, align=JUSTIFY)
    if not row.directions:
        return
    para(document, "Định hướng, nhiệm vụ giao:", bold=True, indent=INDENT, before=6, keep_with_next=True)
    done = DirectionState.DONE
    rows = [(str(index), direction.text + (" (đã thực hiện)" if direction.state == done else ""),
             # the topic the committee chose for it (a retired topic keeps its name)
             topic_names.get(direction.topic_id, "—") if direction.topic_id else "—",
             direction.unit.name if direction.unit else "—", direction.due_date.strftime("%d/%m/%Y"))
            for index, direction in enumerate(row.directions, start=1)]
    grid(document, ("TT", "Nội dung", "Chủ đề", "Đơn vị", "Thời hạn"), rows, (1.0, 6.6, 3.0, 3.3, 2.6),
         centred=lambda col, _value: col in (0, 4))


def _state(direction: Direction, on: date) -> str:
    """"Đã thực hiện (12/10/2025)", "Quá hạn" or "Đang thực hiện" (as the hearing page says)."""
    if direction.state == DirectionState.DONE:
        done = f" ({direction.done_at.astimezone(LOCAL_ZONE):%d/%m/%Y})" if direction.done_at else ""
        return "Đã thực hiện" + done
    return "Quá hạn" if direction.due_date < on else "Đang thực hiện"


def _earlier(document, row: services.CadreRow, topic_names: dict[int, str]) -> None:
    """The directions of earlier hearings still open (or done this month), with their state."""
    if not row.earlier:
        return
    para(document, "Định hướng, nhiệm vụ từ các kỳ trước:", bold=True, indent=INDENT, before=6,
         keep_with_next=True)
    on, rows = today(), []
    for index, direction in enumerate(row.earlier, start=1):
        text = [direction.text]
        if direction.unit:
            text.append(f"Đơn vị: {direction.unit.name}")
        if direction.topic_id:
            text.append(f"Chủ đề: {topic_names.get(direction.topic_id, '—')}")
        if direction.state == DirectionState.DONE and direction.done_note:
            text.append(f"Kết quả: {direction.done_note}")
        given = direction.hearing.month
        rows.append((str(index), "\n".join(text), f"{given.month:02d}/{given.year}",
                     direction.due_date.strftime("%d/%m/%Y"), _state(direction, on)))
    grid(document, ("TT", "Nội dung", "Kỳ giao", "Thời hạn", "Tình trạng"), rows, (1.0, 7.0, 2.0, 2.6, 3.9),
         centred=lambda col, _value: col in (0, 2, 3))


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


def hearing_docx(hearing: Hearing, progress: Callable[[int, int], None] | None = None) -> io.BytesIO:
    """The report of one hearing as .docx bytes. ``progress(done, total)`` is told the number of
    cadres' sections written so far: once with 0 when the cadres are known, then after each section
    (an export job shows it; a province's report takes a minute)."""
    from sqlalchemy import select

    from server.extensions import db
    from server.visits.models import Topic

    rows, exempt = services.hearing_rows(hearing)
    if progress:
        progress(0, len(rows))
    topic_names = {t.id: t.name_vi for t in db.session.scalars(select(Topic))}
    document = new_document()
    letterhead = letterhead_for(hearing.unit)
    header(document, hearing.unit, hearing.document_number or "      -BC/TĐTN", hearing.held_on, letterhead)
    month = f"{hearing.month.month:02d}/{hearing.month.year}"
    title(document, "BÁO CÁO", f"Kết quả nghe cán bộ báo cáo tình hình đi cơ sở tháng {month}")
    _opening(document, hearing, rows, month)
    for number, row in enumerate(rows, start=1):
        position = f" – {row.cadre.position}" if row.cadre.position else ""
        para(document, f"{number}. Đồng chí {row.cadre.full_name}{position}", bold=True, before=12, after=6,
             keep_with_next=True)
        _cadre_table(document, row, topic_names)
        _directions(document, row, topic_names)
        _earlier(document, row, topic_names)
        if progress:
            progress(number, len(rows))
    if exempt:
        para(document, "Cán bộ được miễn chỉ tiêu trong năm: " + "; ".join(
            f"{cadre.full_name} ({reason})" for cadre, reason in exempt) + ".",
            indent=INDENT, before=12, align=JUSTIFY)
    # the unit's signer; where it names nobody, the hearing's chair signs
    sign(document, RECIPIENTS, letterhead, hearing.chair)
    return to_bytes(document)
