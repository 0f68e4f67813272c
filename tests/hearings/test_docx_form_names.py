"""The hearing's report names a visit form with its short name from ``form_name``: the same words
as the year's report and the exports, shortened, never other words."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from server.extensions import db
from server.visits.labels import form_name
from tests.factories import make_hearing, make_visit


def test_the_hearing_report_counts_visits_by_the_forms_short_names(client, auth, world, october, app):
    with app.app_context():
        make_visit(world.other_cadre, world.commune_a1, date(2025, 10, 6), form="activity")
        make_visit(world.other_cadre, world.commune_a1, date(2025, 10, 20), form="meeting")
        hearing_id = make_hearing(world, date(2025, 10, 1), world.district_a)
        db.session.commit()
    auth.sign_in("supa")
    document = Document(io.BytesIO(client.get(f"/hearings/{hearing_id}/report.docx").get_data()))
    counts = [row.cells[1].text for table in document.tables for row in table.rows
              if row.cells[0].text == "Số lượt"]
    with app.test_request_context():
        activity, meeting = (form_name(code, short=True, locale="vi") for code in ("activity", "meeting"))
    assert f"2 ({activity}: 1; {meeting}: 1)" in counts
    assert meeting == "Dự sinh hoạt" and "hội nghị" not in " ".join(counts)
