"""The hearing's report in the Union's format (Hướng dẫn 29-HD/TWĐTN-VP), read back with
python-docx: the issuing body is the committee's name (the unit's letterhead), the signature block
carries the office and the signer (not "CHỦ TRÌ"), no table row splits across pages and header rows
repeat, and the directions still open from earlier hearings are listed with their state."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from docx import Document
from docx.oxml.ns import qn

from server.auth.models import User
from server.documents.letterhead import save_settings
from server.extensions import db
from server.hearings.models import DirectionState, Hearing
from server.hearings.services import give_direction
from server.units.models import Unit
from tests.factories import make_hearing


def _report(client, hearing_id: int):
    response = client.get(f"/hearings/{hearing_id}/report.docx")
    assert response.status_code == 200
    return Document(io.BytesIO(response.data))


def _issuing(document) -> list[str]:
    return [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]


def _signature(document) -> list[str]:
    return [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]


def _grids(document):
    return [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]


def test_issuing_body_and_signature_follow_the_units_letterhead(client, auth, world, october, app):
    with app.app_context():
        hearing_id = make_hearing(world, date(2025, 10, 1), world.district_a)
        db.session.commit()
    auth.sign_in("supa")
    document = _report(client, hearing_id)
    # nothing set: derived from "Huyện đoàn A"; the title "BÍ THƯ" and the hearing's chair
    assert _issuing(document)[:2] == ["BCH ĐOÀN HUYỆN A", "***"]
    signature = _signature(document)
    assert [line for line in signature if line] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Chủ Trì Thử"]
    assert "CHỦ TRÌ" not in signature
    with app.app_context():
        save_settings(db.session.get(Unit, world.district_a), issuing_body="BCH ĐOÀN HUYỆN A",
                      issuing_office="BAN THƯỜNG VỤ", signer_title="PHÓ BÍ THƯ", signer_name="Nguyễn Văn Mẫu")
        db.session.commit()
    document = _report(client, hearing_id)
    assert _issuing(document)[:3] == ["BCH ĐOÀN HUYỆN A", "BAN THƯỜNG VỤ", "***"]
    signature = _signature(document)
    assert signature[:2] == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"]
    # room for the signature, then the name the unit set (not the chair's)
    assert signature[2:] == ["", "", "", "Nguyễn Văn Mẫu"]
    block = document.tables[-1].rows[0].cells[1].paragraphs
    assert all(run.bold for p in block for run in p.runs if run.text)


def _earlier_hearing(app, world) -> tuple[int, int]:
    """A September hearing of district A that gave ``cadre`` three directions (one done in
    October, one overdue, one not yet due), and the October hearing that gives one more."""
    with app.app_context():
        september = db.session.get(Hearing, make_hearing(world, date(2025, 9, 1), world.district_a))
        october = make_hearing(world, date(2025, 10, 1), world.district_a)
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        done = give_direction(september, cadre, sup, text="Khảo sát đoàn viên đi làm ăn xa ở xã A1",
                              due_date=date(2025, 10, 15), unit_id=world.commune_a1, topic_id=None)
        done.state, done.done_note = DirectionState.DONE, "Đã khảo sát 3 chi đoàn"
        done.done_at = datetime(2025, 10, 12, 3, 0, tzinfo=UTC)
        give_direction(september, cadre, sup, text="Dự sinh hoạt chi đoàn thôn Nà Lầu",
                       due_date=date(2025, 9, 30), unit_id=None, topic_id=None)
        give_direction(september, cadre, sup, text="Hướng dẫn đại hội chi đoàn nhiệm kỳ mới",
                       due_date=date(2099, 12, 31), unit_id=None, topic_id=None)
        give_direction(db.session.get(Hearing, october), cadre, sup, text="Kiểm tra sổ đoàn viên xã A2",
                       due_date=date(2025, 12, 15), unit_id=world.commune_a2, topic_id=None)
        db.session.commit()
        return september.id, october


def test_directions_from_earlier_hearings_are_listed_with_their_state(client, auth, world, october, app):
    september_id, hearing_id = _earlier_hearing(app, world)
    auth.sign_in("supa")
    document = _report(client, hearing_id)
    texts = [p.text for p in document.paragraphs]
    assert "Định hướng, nhiệm vụ từ các kỳ trước:" in texts
    table = next(t for t in _grids(document) if [c.text for c in t.rows[0].cells][-1] == "Tình trạng")
    assert [c.text for c in table.rows[0].cells] == ["TT", "Nội dung", "Kỳ giao", "Thời hạn", "Tình trạng"]
    rows = {r.cells[1].text.split("\n")[0]: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["Dự sinh hoạt chi đoàn thôn Nà Lầu"][2:] == ["09/2025", "30/09/2025", "Quá hạn"]
    assert rows["Khảo sát đoàn viên đi làm ăn xa ở xã A1"][2:] == [
        "09/2025", "15/10/2025", "Đã thực hiện (12/10/2025)"]
    assert "Kết quả: Đã khảo sát 3 chi đoàn" in rows["Khảo sát đoàn viên đi làm ăn xa ở xã A1"][1]
    assert rows["Hướng dẫn đại hội chi đoàn nhiệm kỳ mới"][2:] == ["09/2025", "31/12/2099", "Đang thực hiện"]
    assert len(rows) == 3  # this hearing's own direction is in its own table, not here
    given = next(t for t in _grids(document) if "Kiểm tra sổ đoàn viên xã A2" in t.rows[1].cells[1].text)
    assert [c.text for c in given.rows[0].cells][:2] == ["TT", "Nội dung"]
    # the September hearing's own report: nothing earlier to list
    earlier = [p.text for p in _report(client, september_id).paragraphs]
    assert "Định hướng, nhiệm vụ từ các kỳ trước:" not in earlier


def test_no_row_splits_and_header_rows_repeat_in_every_table(client, auth, world, october, app):
    _, hearing_id = _earlier_hearing(app, world)
    auth.sign_in("supa")
    document = _report(client, hearing_id)
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    grids = _grids(document)
    # a table per cadre heard (3 covered), this hearing's directions and the earlier ones
    assert len(grids) == 5
    for table in grids:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    # the signature block never stands alone on a page: the last paragraph goes with it
    assert document.paragraphs[-1].text.startswith("Cán bộ được miễn chỉ tiêu trong năm")
    assert document.paragraphs[-1].paragraph_format.keep_with_next
    figures = next(t for t in grids if t.rows[1].cells[0].text == "Số ngày đi cơ sở trong tháng")
    assert [c.text for c in figures.rows[0].cells] == ["Nội dung đánh giá", "Kết quả"]
