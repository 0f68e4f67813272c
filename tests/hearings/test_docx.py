"""The hearing's report as .docx: opens with python-docx and holds the Union's heading, the
cadres, their figures and directions, with Vietnamese diacritics intact."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from server.auth.models import User
from server.extensions import db
from server.hearings.models import Hearing
from server.hearings.services import give_direction, save_conclusion
from tests.factories import make_hearing


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_report_holds_the_hearing(client, auth, world, october, app):
    with app.app_context():
        hearing_id = make_hearing(world, date(2025, 10, 1), world.district_a)
        hearing = db.session.get(Hearing, hearing_id)
        hearing.document_number = "12-BC/HĐTN"
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        save_conclusion(hearing, cadre, "Tích cực, cần đến xã B1 thường xuyên hơn.", sup)
        give_direction(hearing, cadre, sup, text="Khảo sát mô hình kinh tế thanh niên ở xã B1",
                       due_date=date(2025, 12, 15), unit_id=world.commune_b1, topic_id=None)
        db.session.commit()
    auth.sign_in("supa")
    response = client.get(f"/hearings/{hearing_id}/report.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    text = _text(document)
    for expected in ("ĐOÀN TNCS HỒ CHÍ MINH", "BCH ĐOÀN HUYỆN A", "Số: 12-BC/HĐTN", "BÁO CÁO",
                     "Kết quả nghe cán bộ báo cáo tình hình đi cơ sở tháng 10/2025",
                     "Đồng chí Cán Bộ Thử", "Đồng chí Cán Bộ Khác", "Đồng chí Cán Bộ Giảm",
                     "Khảo sát mô hình kinh tế thanh niên ở xã B1", "15/12/2025",
                     "Tích cực, cần đến xã B1 thường xuyên hơn.", "Cán Bộ Miễn (Đi học dài hạn)",
                     "T/M BAN THƯỜNG VỤ", "Nơi nhận:", "Chủ Trì Thử"):
        assert expected in text, expected
    assert "Tỉnh đoàn Thử".replace("Tỉnh đoàn ", "") + ", ngày" in text  # place from the root unit
    # the cadre's figures (the returned visit never counts): 3 days, 2 visits, none late, 5 of
    # 60 days this year, behind the pace
    table = next(t for t in document.tables if len(t.rows) > 1 and t.cell(1, 1).text == "3")
    rows = {t.cells[0].text: t.cells[1].text for t in table.rows}
    assert rows["Báo cáo nộp muộn (quá 10 ngày)"] == "0"
    assert rows["Lũy kế năm / chỉ tiêu"] == "5 / 60 ngày (chậm tiến độ)"
    assert rows["Số lượt"].startswith("2 (")
    assert document.styles["Normal"].font.name == "Times New Roman"
