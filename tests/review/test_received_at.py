""""Nhận lúc" (received at) holds a date and time, in Vietnam time; the visit list's export, whose
column holds the day only, says "Ngày nhận" (received on). The two labels were one msgid in two
catalogs, and the review catalog's "Nhận lúc" won in the export too."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from server.extensions import db
from tests.factories import make_visit


def test_received_at_is_a_date_and_time_and_the_exports_column_a_day(app, client, auth, world):
    with app.app_context():
        # 17:30 UTC is 00:30 the next day in Vietnam
        visit_id = make_visit(world.cadre, world.commune_a1, date(2024, 3, 4), form="survey",
                              received_at=datetime(2024, 3, 5, 17, 30, tzinfo=UTC)).id
        db.session.commit()
    auth.sign_in("sup")
    page = client.get(f"/review/visits/{visit_id}").get_data(as_text=True)
    assert "<dt>Nhận lúc</dt><dd>06/03/2024 00:30</dd>" in page
    data = client.get("/reports/visits?first=2024-01-01&last=2024-12-31&format=csv").get_data()
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[:2]
    assert "Nhận lúc" not in header
    assert row[header.index("Ngày nhận")] == "2024-03-06"  # the Vietnam day
