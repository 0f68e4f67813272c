"""A unit's letterhead on the admin's unit page: the issuing body and the signer its documents print,
derived from the unit until set, shown before saving, stored in capitals, audited, and printed on
every document (the year's report here; the hearing's in tests/hearings/test_docx.py)."""

from __future__ import annotations

import io
import re

from docx import Document
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.documents.letterhead import derived_issuing_body, letterhead_for
from server.documents.models import UnitLetterhead
from server.extensions import db
from server.units.models import Unit, UnitKind
from server.units.services import create_unit
from tests.reports.test_exports import _setup


def _preview(page: str) -> str:
    block = page.split('id="letterhead-preview"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


def test_the_page_shows_what_is_printed_when_nothing_is_set(admin, world):
    page = admin.get(f"/admin/units/{world.province}/letterhead").get_data(as_text=True)
    preview = _preview(page)
    assert "BCH ĐOÀN TỈNH THỬ ***" in preview
    assert "T/M BAN THƯỜNG VỤ BÍ THƯ" in preview
    assert 'placeholder="BCH ĐOÀN TỈNH THỬ"' in page
    # the unit's page says it too and links here
    unit_page = admin.get(f"/admin/units/{world.province}").get_data(as_text=True)
    assert "BCH ĐOÀN TỈNH THỬ" in unit_page
    assert f'href="/admin/units/{world.province}/letterhead"' in unit_page


def test_saving_sets_the_issuing_body_and_the_signer(app, admin, post, world):
    path = f"/admin/units/{world.province}/letterhead"
    response = post(path, data={"issuing_body": " bch đoàn tỉnh  thử ", "issuing_office": "Ban Thường vụ",
                                "signer_title": "PHÓ BÍ THƯ", "signer_name": "Nguyễn  Văn Mẫu"})
    assert response.status_code == 302
    preview = _preview(admin.get(path).get_data(as_text=True))
    assert "BCH ĐOÀN TỈNH THỬ BAN THƯỜNG VỤ ***" in preview
    assert "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ (chữ ký) Nguyễn Văn Mẫu" in preview
    with app.app_context():
        settings = db.session.get(UnitLetterhead, world.province)
        stored = (settings.issuing_body, settings.issuing_office, settings.signer_title, settings.signer_name)
        assert stored == ("BCH ĐOÀN TỈNH THỬ", "BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Mẫu")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "unit_letterhead"))
        assert entry.action == "update" and entry.details["changes"]["signer_title"] == [None, "PHÓ BÍ THƯ"]
    # blank again: derived again
    assert post(path, data={"issuing_body": "", "issuing_office": "", "signer_title": "",
                            "signer_name": ""}).status_code == 302
    with app.app_context():
        letterhead = letterhead_for(db.session.get(Unit, world.province))
        assert (letterhead.issuing_body, letterhead.issuing_office, letterhead.signer_title,
                letterhead.signer_name) == ("BCH ĐOÀN TỈNH THỬ", "", "BÍ THƯ", "")


def test_a_title_outside_the_list_and_long_text_are_refused(app, admin, post, world):
    path = f"/admin/units/{world.province}/letterhead"
    assert post(path, data={"signer_title": "CHỦ TRÌ"}).status_code == 400
    assert post(path, data={"issuing_body": "X" * 201}).status_code == 400
    with app.app_context():
        assert db.session.get(UnitLetterhead, world.province) is None


def test_the_year_report_prints_what_the_admin_set(app, client, auth, post, world):
    year = _setup(app, world)
    auth.sign_in("admin")
    post(f"/admin/units/{world.province}/letterhead",
         data={"issuing_body": "BCH ĐOÀN TỈNH THỬ", "issuing_office": "BAN THƯỜNG VỤ",
               "signer_title": "PHÓ BÍ THƯ", "signer_name": "Nguyễn Văn Mẫu"})
    auth.sign_out()
    auth.sign_in("sup")
    document = Document(io.BytesIO(client.get(f"/reports/year?plan={year.plan}&format=docx").get_data()))
    assert document.tables[0].rows[0].cells[0].text.startswith("BCH ĐOÀN TỈNH THỬ\nBAN THƯỜNG VỤ\n***")
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Mẫu"]


def test_issuing_bodies_derived_from_unit_names(app, world):
    with app.app_context():
        province = db.session.get(Unit, world.province)
        cases = [("Tỉnh đoàn Lạng Sơn", UnitKind.PROVINCE, "BCH ĐOÀN TỈNH LẠNG SƠN"),
                 ("Lạng Sơn", UnitKind.PROVINCE, "BCH ĐOÀN TỈNH LẠNG SƠN"),
                 ("Thành đoàn Hà Nội", UnitKind.PROVINCE, "BCH ĐOÀN TP. HÀ NỘI"),
                 ("Huyện đoàn Cao Lộc", UnitKind.DISTRICT, "BCH ĐOÀN HUYỆN CAO LỘC"),
                 ("Đoàn xã Đồng Đăng", UnitKind.COMMUNE, "BCH ĐOÀN XÃ ĐỒNG ĐĂNG"),
                 ("Đoàn phường Tam Thanh", UnitKind.WARD, "BCH ĐOÀN PHƯỜNG TAM THANH"),
                 ("Xã Đoàn Kết", UnitKind.COMMUNE, "BCH ĐOÀN XÃ ĐOÀN KẾT"),
                 ("Đoàn Kết", UnitKind.COMMUNE, "BCH ĐOÀN XÃ ĐOÀN KẾT"),
                 ("Đoàn Khối các cơ quan tỉnh", UnitKind.DISTRICT, "BCH ĐOÀN KHỐI CÁC CƠ QUAN TỈNH")]
        for name, kind, expected in cases:
            assert derived_issuing_body(Unit(name=name, kind=kind)) == expected, name
        # a department prints its committee's letterhead
        office = create_unit("Văn phòng Tỉnh đoàn", UnitKind.AGENCY, province, code="T1-VP")
        assert letterhead_for(office).issuing_body == "BCH ĐOÀN TỈNH THỬ"
