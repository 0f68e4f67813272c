"""The year's report as .docx (a Union document): the same figures as the year report's summary,
the table by form, each cadre with the exemption's reason, placements and coverage; tables whose
header repeats on every page and whose rows never split; the issuing body and the signer of the
unit's letterhead (Hướng dẫn 29-HD/TWĐTN-VP); from the page and from the CLI."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.oxml.ns import qn

from server.documents.letterhead import save_settings
from server.extensions import db
from server.planning.models import Plan
from server.regime.counting import Counting, decimal_text
from server.reports.coverage import coverage_report
from server.reports.year import year_report
from server.units.models import Unit
from tests.reports.test_exports import _setup

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document(data: bytes):
    return Document(io.BytesIO(data))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _table(document, first_heading: str, second_heading: str):
    return next(t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == [first_heading,
                                                                                         second_heading])


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def _expected(app, world, plan_id: int, counting: Counting = Counting.APPROVED):
    with app.app_context():
        plan, unit = db.session.get(Plan, plan_id), db.session.get(Unit, world.province)
        report = year_report(plan, unit, counting)
        coverage = coverage_report(unit, date(2024, 1, 1), date(2024, 12, 31), counting)
        weeks = [(r.full_name, r.weeks) for r in report.rows]
        return report.summary, weeks, (coverage.visited, coverage.total)


def _summary_sentence(s) -> str:
    pct = decimal_text(s.share(s.with_a_visit), "vi")
    met = decimal_text(s.share(s.meeting_minimum), "vi")
    return (f"Có {s.with_a_visit}/{s.covered} đồng chí cán bộ chuyên trách ({pct} %) đã đi cơ sở, tổng cộng "
            f"{s.visits} lượt, {s.days} ngày; {s.meeting_minimum} đồng chí ({met} %) đạt chỉ tiêu tối thiểu "
            f"10 ngày/năm; {s.exempt} đồng chí được miễn chỉ tiêu.")


def test_the_year_report_holds_the_years_figures(app, client, auth, world):
    year = _setup(app, world)
    summary, _, (visited, total) = _expected(app, world, year.plan)
    auth.sign_in("sup")
    response = client.get(f"/reports/year?plan={year.plan}&format=docx")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert "bao-cao-nam-2024" in response.headers["Content-Disposition"]
    document = _document(response.get_data())
    text = _text(document)
    heading = [c.text for c in document.tables[0].rows[0].cells]
    assert heading[0].startswith("BCH ĐOÀN TỈNH THỬ\n***\nSố:       -BC/TĐTN")
    assert heading[1].startswith("ĐOÀN TNCS HỒ CHÍ MINH") and "Thử, ngày" in heading[1]
    assert "BÁO CÁO\nKết quả thực hiện chế độ cán bộ đi cơ sở năm 2024" in text
    assert ("Số liệu tính các lượt đã duyệt; mỗi ngày chỉ tính một lần; lượt bị trả lại không tính."
            in text)
    # the summary's own figures: 3 of 3 went (100,0 %), 2 of 3 met the minimum (66,7 %)
    assert _summary_sentence(summary) in text
    assert "(100,0 %) đã đi cơ sở" in text and "(66,7 %) đạt chỉ tiêu" in text and "66.7" not in text
    by_form = {name: (int(v), int(d)) for _, name, v, d in _rows(_table(document, "TT", "Hình thức"))}
    assert by_form == {
        "Khảo sát chuyên đề": (summary.visits_by_form["survey"], summary.days_by_form["survey"]),
        "Phối hợp tổ chức, triển khai hoạt động tại cơ sở": (summary.visits_by_form["activity"],
                                                             summary.days_by_form["activity"]),
        "Kiểm tra, giám sát": (summary.visits_by_form["inspection"], summary.days_by_form["inspection"]),
        "Dự sinh hoạt": (summary.visits_by_form["meeting"], summary.days_by_form["meeting"]),
    }
    assert f"có {summary.weeks_so_far} tuần" in text
    # the placement of _setup: one cadre, at A1 of district A, 26/02–03/03, 2 of 7 days logged
    assert ("1 đồng chí cán bộ tập sự đi thực tế tại 1 đơn vị cơ sở của 1 đơn vị (Huyện đoàn A), "
            "từ 26/02 đến 03/03; ghi nhận 2/7 ngày, 0/1 đợt đủ số ngày.") in text
    assert f"đã đến {visited}/{total} xã, phường" in text
    assert "T/M BAN THƯỜNG VỤ" in [c.text.split("\n")[0] for c in document.tables[-1].rows[0].cells]


def test_each_cadre_with_the_exemptions_reason(app, client, auth, world):
    year = _setup(app, world)
    _, weeks, _ = _expected(app, world, year.plan)
    auth.sign_in("sup")
    document = _document(client.get(f"/reports/year?plan={year.plan}&format=docx").get_data())
    table = _table(document, "TT", "Họ và tên")
    assert [c.text for c in table.rows[0].cells] == ["TT", "Họ và tên", "Đơn vị", "Số ngày", "Chỉ tiêu",
                                                      "Số tuần", "Kết quả", "Miễn, giảm"]
    rows = {row[1]: row for row in _rows(table)}
    assert rows["Cán Bộ Đi Học"][2:] == ["Tỉnh đoàn Thử", "0", "—", "0", "Được miễn", "Đi học"]
    assert rows["Cán Bộ Khác"][3:] == ["1", "1", "1", "Đạt", "Nghỉ thai sản"]
    assert rows["Cán Bộ Huyện B"][6] == "Đạt"
    assert [(r[1], int(r[5])) for r in _rows(table)] == weeks
    # the header row repeats on every page; no row splits across a page break
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_counting_approved_and_submitted_is_stated(app, client, auth, world):
    year = _setup(app, world)
    summary, _, _ = _expected(app, world, year.plan, Counting.APPROVED_AND_SUBMITTED)
    auth.sign_in("sup")
    text = _text(_document(client.get(f"/reports/year?plan={year.plan}&counting=submitted&format=docx")
                           .get_data()))
    assert "Số liệu tính các lượt đã duyệt và đang chờ duyệt;" in text
    assert _summary_sentence(summary) in text


def test_the_page_links_the_docx(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("sup")
    page = client.get(f"/reports/year?plan={year.plan}&counting=submitted").get_data(as_text=True)
    assert "Báo cáo năm (.docx)</a>" in page
    link = page.split('id="year-docx"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "format=docx" in link and "counting=submitted" in link and f"plan={year.plan}" in link
    # only the year report offers it
    assert "format=docx" not in client.get("/reports/placements?year=2024").get_data(as_text=True)


def test_cadres_get_403_and_units_outside_scope_404(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("cadre")
    assert client.get(f"/reports/year?plan={year.plan}&format=docx").status_code == 403
    auth.sign_out()
    auth.sign_in("supa")
    outside = client.get(f"/reports/year?plan={year.plan}&unit={world.district_b}&format=docx")
    assert outside.status_code == 404
    own = client.get(f"/reports/year?plan={year.plan}&unit={world.district_a}&format=docx")
    assert own.status_code == 200
    heading = _document(own.get_data()).tables[0].rows[0].cells[0].text
    assert heading.startswith("BCH ĐOÀN HUYỆN A\n***\nSố:       -BC/HĐTN")


def test_cli_writes_the_same_figures(app, runner, world, tmp_path):
    year = _setup(app, world)
    summary, _, _ = _expected(app, world, year.plan)
    out = tmp_path / "nam-2024.docx"
    result = runner.invoke(args=["report", "year", "--year", "2024", "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = _document(out.read_bytes())
    assert _summary_sentence(summary) in _text(document)
    assert document.tables[0].rows[0].cells[1].text.startswith("ĐOÀN TNCS HỒ CHÍ MINH")
    other = runner.invoke(args=["report", "coverage", "--format", "docx", "-o", str(tmp_path / "x.docx")])
    assert other.exit_code != 0  # docx is the year's only


def _signature(document) -> list[str]:
    """The signature block's lines (the right cell of the last table), blank lines dropped."""
    return [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]


def test_the_issuing_body_is_the_committees_name_and_the_office_signs(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("sup")
    document = _document(client.get(f"/reports/year?plan={year.plan}&format=docx").get_data())
    issuing = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    # derived from "Tỉnh đoàn Thử": the committee's name, not the unit's name in capitals
    assert issuing[:2] == ["BCH ĐOÀN TỈNH THỬ", "***"]
    assert document.tables[0].rows[0].cells[0].paragraphs[0].runs[0].bold
    assert _signature(document) == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    assert "CHỦ TRÌ" not in _signature(document)
    with app.app_context():
        save_settings(db.session.get(Unit, world.province), issuing_body="BCH Đoàn tỉnh Thử Nghiệm",
                      issuing_office="Ban Thường vụ", signer_title="PHÓ BÍ THƯ", signer_name="Nguyễn Văn Mẫu")
        db.session.commit()
    document = _document(client.get(f"/reports/year?plan={year.plan}&format=docx").get_data())
    issuing = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert issuing[:3] == ["BCH ĐOÀN TỈNH THỬ NGHIỆM", "BAN THƯỜNG VỤ", "***"]
    assert _signature(document) == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Mẫu"]
    # room for the signature between the title and the name
    lines = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    assert lines[lines.index("PHÓ BÍ THƯ") + 1:lines.index("Nguyễn Văn Mẫu")] == ["", "", ""]
    # a district keeps its own derived letterhead, and the CLI prints the province's too
    own = _document(client.get(f"/reports/year?plan={year.plan}&unit={world.district_a}&format=docx")
                    .get_data())
    assert own.tables[0].rows[0].cells[0].paragraphs[0].text == "BCH ĐOÀN HUYỆN A"


def test_every_row_of_every_table_stays_whole_and_headers_repeat(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("sup")
    document = _document(client.get(f"/reports/year?plan={year.plan}&format=docx").get_data())
    grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(grids) == 3  # by form, by unit, each cadre
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    for table in grids:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
