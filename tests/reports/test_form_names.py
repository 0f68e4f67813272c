"""A visit form has one name (``server.visits.labels.form_name``): the year's .docx and the visit
list's export write the same words for it."""

from __future__ import annotations

import io

from docx import Document

from server.reports.year import FORMS
from server.visits.labels import form_name
from tests.reports.test_exports import _csv, _setup
from tests.reports.test_year_docx import _rows, _table


def test_the_year_document_and_the_export_name_forms_alike(app, client, auth, world):
    year = _setup(app, world)
    auth.sign_in("sup")
    document = Document(io.BytesIO(client.get(f"/reports/year?plan={year.plan}&format=docx").get_data()))
    in_document = [row[1] for row in _rows(_table(document, "TT", "Hình thức"))]
    rows = _csv(client.get("/reports/visits?first=2024-01-01&last=2024-12-31&format=csv"))
    column = rows[0].index("Hình thức")
    in_export = {row[column] for row in rows[1:]}
    with app.test_request_context():
        names = [form_name(code, locale="vi") for code in FORMS]
    assert in_document == names
    assert "Phối hợp tổ chức, triển khai hoạt động tại cơ sở" in names and "Dự sinh hoạt" in names
    assert len(in_export) > 1 and in_export <= set(names)


def test_a_form_has_a_full_and_a_short_name_in_each_language(app):
    with app.test_request_context():
        for code in FORMS:
            full, short = form_name(code, locale="vi"), form_name(code, short=True, locale="vi")
            assert full and short and len(short) <= len(full)
            assert form_name(code, locale="en") != full  # English when asked, whatever the reader's
        assert form_name("meeting", short=True, locale="vi") == "Dự sinh hoạt"
        assert form_name("survey", locale="en") == "Thematic survey"
        assert form_name("unknown") == "unknown"
