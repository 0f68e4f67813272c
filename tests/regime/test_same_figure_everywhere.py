"""One cadre's days at the grassroots are the same figure on every screen and in every file, and
equal a reference written out here in plain Python (the rule of server/regime/days.py):

a visit counts when its review state does (approved; or approved and submitted; returned never),
it brings its days inside the period, and each day counts once however many visits cover it; a
Monday-to-Sunday week counts when one of its days does.

Hypothesis draws up to eight visits of 2024 (a leap year, long past, so the day the test runs
does not matter), some on its edges and across the years before and after. For each set it asks
the regime's functions, the hearing (its rows and its .docx), the year report (its rows, page,
CSV, XLSX and the ``flask report year`` command), the review page, the cadre's home page and the
phone's bootstrap.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta
from unittest import mock

import openpyxl
import pytest
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from server.auth.models import User
from server.extensions import db
from server.hearings.models import Hearing
from server.hearings.services import hearing_rows
from server.planning.models import Plan
from server.regime.counting import EVALUATION, WORKING, Counting
from server.regime.days import figures
from server.regime.standing import standings
from server.reports.year import year_report
from server.units.models import Unit
from server.visits.days import CadreDay
from server.visits.models import Visit
from tests.api.support import bearer, issue_token
from tests.conftest import AuthActions
from tests.factories import make_hearing, make_visit

YEAR = 2024
FIRST, LAST = date(YEAR, 1, 1), date(YEAR, 12, 31)
NAME = "Cán Bộ Thử"  # the world's cadre
STATUSES = {Counting.APPROVED: {"approved"}, Counting.APPROVED_AND_SUBMITTED: {"approved", "submitted"}}


# -- the reference -------------------------------------------------------------------------------

def counted_days(visits, counting: Counting, first: date = FIRST, last: date = LAST) -> set[date]:
    """The days in ``first``–``last`` of the visits whose state ``counting`` counts, each once."""
    return {start + timedelta(days=n)
            for start, length, status in visits if status in STATUSES[counting]
            for n in range(length) if first <= start + timedelta(days=n) <= last}


def weeks(days: set[date]) -> int:
    """Monday-to-Sunday weeks with at least one of ``days``."""
    return len({day.isocalendar()[:2] for day in days})


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


# -- the visits ----------------------------------------------------------------------------------

EDGES = [date(2023, 12, 27), date(2023, 12, 30), date(2023, 12, 31), date(2024, 1, 1), date(2024, 1, 2),
         date(2024, 2, 25), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2024, 12, 27),
         date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 1)]
starts = st.one_of(st.sampled_from(EDGES), st.dates(date(2023, 12, 27), date(2025, 1, 2)),
                   st.dates(date(2024, 6, 1), date(2024, 6, 20)))  # a crowded month: overlaps
visit = st.tuples(starts, st.integers(1, 5), st.sampled_from(["approved", "submitted", "returned"]))
visit_lists = st.lists(visit, max_size=8)


# -- reading the screens and files ---------------------------------------------------------------

def _card(page: str, card_id: str) -> dict[str, int]:
    card = page.split(f'id="{card_id}"', 1)[1].split("</section>", 1)[0]
    return {"days": int(re.search(r'data-figure="days">(\d+)<', card).group(1)),
            "days_approved": int(re.search(r'data-figure="days-approved">(\d+)<', card).group(1)),
            "weeks": int(re.search(r'data-weeks-active="(\d+)"', card).group(1))}


def _csv_row(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][3] == "Số ngày", rows[0]
    (row,) = [r for r in rows[1:] if r[0] == NAME]
    return row


def _xlsx_row(data: bytes) -> tuple:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet[0][3] == "Số ngày", sheet[0]
    (row,) = [r for r in sheet[1:] if r[0] == NAME]
    return row


def _page_row(page: str) -> list[str]:
    table = page.split('id="report-table"')[1].split("</table>")[0].split("<tbody>")[1]
    cells = r"<td[^>]*>(.*?)</td>"
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(cells, tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    (row,) = [r for r in rows if r[0] == NAME]
    return row


def _docx_lines(data: bytes) -> dict[str, str]:
    """The cadre's table of the hearing's report: label → value."""
    document = Document(io.BytesIO(data))
    heading, found = None, None
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            heading = "".join(block.itertext())
        elif tag == "tbl" and heading and f"Đồng chí {NAME}" in heading:
            table = next(t for t in document.tables if t._tbl is block)
            found = {row.cells[0].text: row.cells[1].text for row in table.rows}
            break
    assert found is not None, "no table for the cadre in the hearing's report"
    return found


# -- the test ------------------------------------------------------------------------------------

@pytest.fixture
def screens(app, world, client, auth):
    """Plan 2024 (20 days); sessions of "sup" and "cadre", a device token of "cadre"; another cadre
    of district A with visits of their own, which must never leak into the cadre's figures."""
    with app.app_context():
        plan = Plan(year=YEAR, title="Kế hoạch 2024", minimum_days=20)
        db.session.add(plan)
        make_visit(world.other_cadre, world.commune_a1, date(2024, 6, 3), days=5, status="approved")
        make_visit(world.other_cadre, world.commune_a1, date(2024, 12, 30), days=3, status="submitted")
        db.session.commit()
        plan_id = plan.id
    auth.sign_in("sup")
    cadre_client = app.test_client()
    AuthActions(cadre_client).sign_in("cadre")
    token = issue_token(app.test_client(), "cadre")
    return plan_id, client, cadre_client, token


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(visits=visit_lists)
@example(visits=[(date(2024, 6, 3), 3, "approved"), (date(2024, 6, 4), 4, "submitted")])  # overlap: 6 days
@example(visits=[(date(2024, 12, 30), 4, "approved")])  # 30/12–02/01: 2 days in 2024
@example(visits=[(date(2023, 12, 30), 4, "submitted"), (date(2024, 12, 31), 1, "approved")])
@example(visits=[(date(2024, 3, 4), 5, "returned"), (date(2024, 3, 6), 2, "approved")])  # 2, not 5
@example(visits=[(date(2024, 2, 28), 3, "approved"), (date(2024, 2, 29), 1, "submitted")])  # leap day
@example(visits=[])
def test_one_cadre_one_figure_everywhere(app, world, runner, tmp_path, screens, visits):
    plan_id, sup, cadre_client, token = screens
    working, approved = counted_days(visits, WORKING), counted_days(visits, EVALUATION)

    with app.app_context():
        # between examples: the app never deletes a visit, so the test clears its days too
        db.session.execute(delete(Visit).where(Visit.cadre_id == world.cadre))
        db.session.execute(delete(CadreDay).where(CadreDay.cadre_id == world.cadre))
        ids = [make_visit(world.cadre, world.commune_a1, start, days=length, status=status).id
               for start, length, status in visits]
        in_year = [start for start, _, _ in visits if start.year == YEAR]
        month = (in_year[0] if in_year else date(YEAR, 6, 1)).replace(day=1)
        hearing_id = make_hearing(world, month, world.district_a)
        db.session.commit()

    with app.app_context():
        # the regime's own functions
        for counting in Counting:
            expected = counted_days(visits, counting)
            found = figures([world.cadre], FIRST, LAST, counting)[world.cadre]
            assert (found.days, found.weeks) == (len(expected), weeks(expected)), counting
        standing = standings([world.cadre], LAST)[world.cadre]
        assert (standing.days, standing.days_approved, standing.active_weeks) == (
            len(working), len(approved), weeks(working))

        # the hearing: the month, and the year up to the month's end
        hearing = db.session.get(Hearing, hearing_id)
        (row,) = [r for r in hearing_rows(hearing)[0] if r.cadre.id == world.cadre]
        in_month = counted_days(visits, WORKING, month, month_end(month))
        assert row.month.days == len(in_month)
        to_month_end = len(counted_days(visits, WORKING, FIRST, month_end(month)))
        assert row.pace.days == to_month_end

        # the year report's rows
        province, plan = db.session.get(Unit, world.province), db.session.get(Plan, plan_id)
        for counting in Counting:
            expected = counted_days(visits, counting)
            report = year_report(plan, province, counting)
            (found,) = [r for r in report.rows if r.cadre_id == world.cadre]
            assert (found.days, found.weeks) == (len(expected), weeks(expected)), counting
            # its summary is summed apart (the month pass, everyone's days): the same as its rows
            s, rows = report.summary, report.rows
            assert (s.visits, s.days, s.late, s.back_entered) == (
                sum(r.visits for r in rows), sum(r.days for r in rows), sum(r.late for r in rows),
                sum(r.back_entered for r in rows)), counting
            assert s.visits_by_form == {f: sum(r.by_form[f] for r in rows) for f in found.by_form}
            owing = [r for r in rows if r.minimum_days is not None]
            assert (s.with_a_visit, s.meeting_minimum) == (sum(1 for r in owing if r.visits),
                                                          sum(1 for r in owing if r.met)), counting
        assert db.session.scalar(select(User.full_name).where(User.id == world.cadre)) == NAME

    # the year report's page and files, and the command
    for counting in Counting:
        expected = counted_days(visits, counting)
        want = [len(expected), weeks(expected)]
        path = f"/reports/year?plan={plan_id}&counting={counting.value}"
        page = _page_row(sup.get(path).get_data(as_text=True))
        assert [int(page[3]), int(page[6])] == want, ("page", counting)
        response = sup.get(path + "&format=csv")
        assert response.status_code == 200
        row = _csv_row(response.get_data())
        assert [int(row[3]), int(row[6])] == want, ("csv", counting)
        response = sup.get(path + "&format=xlsx")
        assert response.status_code == 200
        row = _xlsx_row(response.get_data())
        assert [row[3], row[6]] == want, ("xlsx", counting)
        out = tmp_path / f"year-{counting.value}.csv"
        result = runner.invoke(args=["report", "year", "--year", str(YEAR), "--unit", "T1-A",
                                     "--counting", counting.value, "--format", "csv", "-o", str(out)])
        assert result.exit_code == 0, result.output
        row = _csv_row(out.read_bytes())
        assert [int(row[3]), int(row[6])] == want, ("cli", counting)

    # the hearing's report
    response = sup.get(f"/hearings/{hearing_id}/report.docx")
    assert response.status_code == 200
    lines = _docx_lines(response.get_data())
    assert lines["Số ngày đi cơ sở trong tháng"] == str(len(in_month))
    assert lines["Lũy kế năm / chỉ tiêu"].startswith(f"{to_month_end} / 20 ngày")

    # the review page of each visit: the cadre's year of that visit
    for visit_id, (start, _, _) in zip(ids, visits, strict=True):
        first, last = date(start.year, 1, 1), date(start.year, 12, 31)
        year_working = counted_days(visits, WORKING, first, last)
        response = sup.get(f"/review/visits/{visit_id}")
        assert response.status_code == 200
        assert _card(response.get_data(as_text=True), "cadre-year") == {
            "days": len(year_working), "days_approved": len(counted_days(visits, EVALUATION, first, last)),
            "weeks": weeks(year_working)}, ("review", start)

    # the cadre's home page and the phone's bootstrap, on the last day of 2024
    with mock.patch("server.home.views.today", return_value=LAST), \
            mock.patch("server.sync.services.today", return_value=LAST):
        response = cadre_client.get("/")
        assert response.status_code == 200
        assert _card(response.get_data(as_text=True), "year-card") == {
            "days": len(working), "days_approved": len(approved), "weeks": weeks(working)}
        body = cadre_client.get("/api/v1/bootstrap", headers=bearer(token)).get_json()
    wire = body["standing"]
    assert (wire["year"], wire["days"], wire["days_approved"]) == (YEAR, len(working), len(approved))
    assert len(wire["active_weeks"]) == weeks(working)
    assert len(wire["visits"]) == sum(1 for start, length, status in visits if status in STATUSES[WORKING]
                                      and counted_days([(start, length, status)], WORKING))
