"""The year's report as a Word document in the Union's format (``server.documents.union``): what a
province (or any unit) reports of its year under the regime — how many full-time cadres went to
the grassroots, the visits and days by form, the weekly rhythm, each cadre against the minimum,
the probationary cadres' placements and the grassroots units reached.

Every figure is read from the three reports (``year_report``, ``coverage_report``,
``placements_report``), which take theirs from ``server.regime``; this module only writes them
out, in Vietnamese like every document dicoso writes.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from docx.document import Document as DocumentType

from server.documents.letterhead import letterhead_for
from server.documents.union import (
    body,
    day_month,
    grid,
    header,
    heading,
    new_document,
    sign,
    title,
    to_bytes,
)
from server.planning.models import Plan
from server.regime.counting import Counting, decimal_text, half_up, share
from server.reports.coverage import CoverageReport, coverage_report
from server.reports.placements import PlacementsReport, placements_report
from server.reports.year import CadreRow, YearReport, year_report
from server.time import today
from server.units.models import Unit, UnitKind
from server.visits.labels import form_name

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: the symbol after the number, by the issuing body's kind (Tỉnh đoàn, Huyện đoàn, …)
SYMBOLS = {UnitKind.PROVINCE: "TĐTN", UnitKind.DISTRICT: "HĐTN"}
COUNTING_TEXT = {Counting.APPROVED: "các lượt đã duyệt",
                 Counting.APPROVED_AND_SUBMITTED: "các lượt đã duyệt và đang chờ duyệt"}
CADRE_COLUMNS = ("TT", "Họ và tên", "Đơn vị", "Số ngày", "Chỉ tiêu", "Số tuần", "Kết quả", "Miễn, giảm")
CADRE_WIDTHS = (1.0, 3.4, 3.0, 1.3, 1.4, 1.3, 2.4, 2.7)


def _pct(count: int, total: int) -> str:
    """"66,7 %": the regime's share, with a decimal comma."""
    return f"{decimal_text(share(count, total), 'vi')} %"


def _day(day: date, year: int) -> str:
    return day_month(day) if day.year == year else f"{day:%d/%m/%Y}"


def _result(row: CadreRow) -> str:
    if row.met is None:
        return "Được miễn"
    return "Đạt" if row.met else "Chưa đạt"


def _grid(document: DocumentType, headings: tuple[str, ...], rows: list[tuple[str, ...]],
          cm: tuple[float, ...], *, size: float = 12) -> None:
    """A bordered table (``union.grid``: header repeated, rows whole), names left-aligned and
    numbers centred."""
    grid(document, headings, rows, cm, size=size, centred=lambda _col, value: not _is_text(value))


def _is_text(value: str) -> bool:
    """Names are left-aligned; numbers, "—" and short results are centred."""
    return any(ch.isalpha() for ch in value) and value not in ("Đạt", "Chưa đạt", "Được miễn")


def _until(report: YearReport, on: date) -> str:
    """" đến ngày 31/10/2025" while the plan's year runs, nothing once it is over."""
    return f" đến ngày {on:%d/%m/%Y}" if on < date(report.plan.year, 12, 31) else ""


def _counting(document: DocumentType, report: YearReport, on: date) -> None:
    until = _until(report, on)
    body(document, f"Số liệu tính {COUNTING_TEXT[report.counting]}{until}; mỗi ngày chỉ tính một lần; "
         "lượt bị trả lại không tính.", italic=True)


def _overall(document: DocumentType, report: YearReport) -> None:
    s, minimum = report.summary, report.plan.minimum_days
    heading(document, "I. KẾT QUẢ CHUNG")
    exempt = f"; {s.exempt} đồng chí được miễn chỉ tiêu" if s.exempt else ""
    body(document, f"Có {s.with_a_visit}/{s.covered} đồng chí cán bộ chuyên trách "
         f"({_pct(s.with_a_visit, s.covered)}) đã đi cơ sở, tổng cộng {s.visits} lượt, {s.days} ngày; "
         f"{s.meeting_minimum} đồng chí ({_pct(s.meeting_minimum, s.covered)}) đạt chỉ tiêu tối thiểu "
         f"{minimum} ngày/năm{exempt}.")
    if s.late or s.back_entered:
        back = f"; {s.back_entered} lượt nhập bổ sung (không tính muộn)" if s.back_entered else ""
        body(document, f"Có {s.late} lượt báo cáo nộp muộn (quá 10 ngày sau khi kết thúc chuyến đi){back}.")
    body(document, "Kết quả theo hình thức đi cơ sở:", keep_with_next=True)
    rows = [(str(n), form_name(code, locale="vi"), str(s.visits_by_form[code]), str(s.days_by_form[code]))
            for n, code in enumerate(s.visits_by_form, start=1)]
    _grid(document, ("TT", "Hình thức", "Số lượt", "Số ngày"), rows, (1.2, 9.3, 3, 3))
    body(document, "Số ngày theo hình thức cộng số ngày của từng lượt, nên có thể lớn hơn tổng số ngày "
         "khi các lượt khác hình thức trùng ngày.", size=12, italic=True, before=6)


def _rhythm(document: DocumentType, report: YearReport, on: date) -> None:
    s = report.summary
    covered = [r for r in report.rows if r.minimum_days is not None]
    weeks = sum(r.weeks for r in covered)
    average = half_up(Decimal(weeks) / len(covered)) if covered else Decimal("0.0")
    every_week = sum(1 for r in covered if r.weeks >= s.weeks_so_far)
    heading(document, "II. NHỊP ĐỘ ĐI CƠ SỞ HẰNG TUẦN")
    body(document, f"Năm {report.plan.year}{_until(report, on)} có {s.weeks_so_far} tuần (tuần từ thứ Hai "
         "đến Chủ nhật; một tuần được tính khi có ít nhất một ngày đi cơ sở). Bình quân mỗi đồng chí cán bộ "
         f"chuyên trách có {decimal_text(average, 'vi')}/{s.weeks_so_far} tuần có ngày đi cơ sở "
         f"({_pct(weeks, len(covered) * s.weeks_so_far)} số tuần); {every_week} đồng chí tuần nào cũng "
         "có ngày đi cơ sở. Số tuần của từng đồng chí ở danh sách tại mục V.")


def _placements(document: DocumentType, report: PlacementsReport, year: int) -> None:
    rows = report.rows
    heading(document, "III. CÁN BỘ TẬP SỰ ĐI THỰC TẾ CƠ SỞ")
    if not rows:
        body(document, "Trong năm không có cán bộ tập sự đi thực tế cơ sở.")
        return
    cadres = len({r.cadre_id for r in rows})
    units, districts = len({(r.district, r.unit_name) for r in rows}), sorted({r.district for r in rows})
    first, last = min(r.start_date for r in rows), max(r.end_date for r in rows)
    complete = sum(1 for r in rows if r.complete)
    body(document, f"{cadres} đồng chí cán bộ tập sự đi thực tế tại {units} đơn vị cơ sở của "
         f"{len(districts)} đơn vị ({', '.join(districts)}), từ {_day(first, year)} đến {_day(last, year)}; "
         f"ghi nhận {sum(r.days_logged for r in rows)}/{sum(r.length for r in rows)} ngày, "
         f"{complete}/{len(rows)} đợt đủ số ngày.")


def _coverage(document: DocumentType, report: CoverageReport) -> None:
    heading(document, "IV. ĐƠN VỊ CƠ SỞ ĐƯỢC CÁN BỘ ĐẾN")
    if not report.total:
        body(document, "Không có đơn vị cơ sở (xã, phường) trong phạm vi báo cáo.")
        return
    body(document, f"Trong năm, cán bộ đã đến {report.visited}/{report.total} xã, phường "
         f"({_pct(report.visited, report.total)}). Theo đơn vị:", keep_with_next=True)
    rows = [(str(n), g.parent_name, str(len(g.units)), str(g.visited), _pct(g.visited, len(g.units)))
            for n, g in enumerate(report.groups, start=1)]
    _grid(document, ("TT", "Đơn vị", "Số xã, phường", "Đã đến", "Tỷ lệ"), rows, (1.2, 7.3, 3, 2.5, 2.5))


def _cadres(document: DocumentType, report: YearReport) -> None:
    weeks = report.summary.weeks_so_far
    heading(document, "V. KẾT QUẢ CỦA TỪNG CÁN BỘ")
    body(document, f"Số ngày đi cơ sở của từng đồng chí so với chỉ tiêu; số tuần có ngày đi cơ sở "
         f"trên {weeks} tuần.", keep_with_next=True)
    rows = [(str(n), r.full_name, r.unit_name, str(r.days),
             "—" if r.minimum_days is None else str(r.minimum_days), str(r.weeks), _result(r),
             r.exemption_reason or "")
            for n, r in enumerate(report.rows, start=1)]
    _grid(document, CADRE_COLUMNS, rows, CADRE_WIDTHS, size=11)


def _recipients(unit: Unit) -> tuple[str, ...]:
    above = f"- Ban Thường vụ {unit.parent.name} (để b/c);" if unit.parent else "- Trung ương Đoàn (để b/c);"
    return (above, "- Các đơn vị trực thuộc (để biết);", "- Lưu VP.")


def year_document(report: YearReport, coverage: CoverageReport, placements: PlacementsReport,
                  on: date) -> io.BytesIO:
    """The year's report as .docx bytes, dated ``on``."""
    year, unit = report.plan.year, report.unit
    document = new_document()
    letterhead = letterhead_for(unit)
    header(document, unit, f"      -BC/{SYMBOLS.get(unit.kind, 'ĐTN')}", on, letterhead)
    title(document, "BÁO CÁO", f"Kết quả thực hiện chế độ cán bộ đi cơ sở năm {year}")
    body(document, f"Thực hiện {report.plan.title} (chỉ tiêu tối thiểu {report.plan.minimum_days} "
         f"ngày/năm đối với mỗi cán bộ chuyên trách), Ban Thường vụ {unit.name} báo cáo kết quả năm "
         f"{year} như sau:")
    _counting(document, report, on)
    _overall(document, report)
    _rhythm(document, report, on)
    _placements(document, placements, year)
    _coverage(document, coverage)
    _cadres(document, report)
    sign(document, _recipients(unit), letterhead)
    return to_bytes(document)


def year_docx(plan: Plan, unit: Unit, counting: Counting, on: date | None = None) -> io.BytesIO:
    """Build the year's three reports for ``unit``'s subtree and write the document."""
    on = on or today()
    first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
    return year_document(year_report(plan, unit, counting, on), coverage_report(unit, first, last, counting),
                         placements_report(unit, first, last, counting), on)
