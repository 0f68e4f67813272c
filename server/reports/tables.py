"""Each report as one flat table (columns with labels, rows of values): what the page's main table
shows and what the CSV and XLSX exports write, so the three always agree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from server.auth.models import User
from server.auth.permissions import people_of_subtree
from server.extensions import db
from server.regime.days import days_of
from server.reports.coverage import CoverageReport
from server.reports.placements import PlacementsReport
from server.reports.year import FORMS, YearReport
from server.time import LOCAL_ZONE
from server.units.models import Unit
from server.visits.labels import form_label, status_label
from server.visits.models import Visit


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy string: translated when the table is written
    kind: str = "text"  # text | int | date | percent


@dataclass
class Table:
    name: str  # file and sheet name
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    #: how many rows, when known before writing (for a progress bar)
    length: int | None = None


def _results() -> dict[bool | None, str]:
    """``CadreRow.met`` in words, translated once per table (once per row was a third of a
    province's year page: 4,800 lookups in the catalog)."""
    return {None: str(_l("Exempt")), True: str(_l("Met")), False: str(_l("Not met"))}


def year_table(report: YearReport) -> Table:
    weeks = report.summary.weeks_so_far
    columns = [Column(_l("Cadre")), Column(_l("Unit")), Column(_l("Result")),
               Column(_l("Number of days"), "int"),
               Column(_l("Minimum days"), "int"), Column(_l("Exemption")),
               Column(_l("Weeks with a grassroots day (of %(weeks)d)", weeks=weeks), "int"),
               Column(_l("Visits"), "int"),
               *(Column(_l("Visits: %(form)s", form=form_label(f)), "int") for f in FORMS),
               Column(_l("Units visited"), "int"), Column(_l("Late reports"), "int"),
               Column(_l("Back-entered reports"), "int")]
    result = _results()
    rows = [(r.full_name, r.unit_name, result[r.met], r.days, r.minimum_days, r.exemption_reason or "",
             r.weeks, r.visits, *(r.by_form[f] for f in FORMS), r.units_visited, r.late, r.back_entered)
            for r in report.rows]
    # the file says what it counts (approved, or approved and submitted): year-2025-approved.xlsx
    return Table(f"year-{report.plan.year}-{report.counting.value}", columns, rows, len(rows))


def coverage_table(report: CoverageReport) -> Table:
    columns = [Column(_l("Parent unit")), Column(_l("Unit")), Column(_l("Code")), Column(_l("Visits"), "int"),
               Column(_l("Last visit"), "date"), Column(_l("Cadre in charge")), Column(_l("Former district"))]
    rows = [(u.parent_name, u.name, u.code or "", u.visits, u.last_visit, u.in_charge, u.former_parent or "")
            for u in report.units]
    return Table(f"coverage-{report.first.isoformat()}-{report.last.isoformat()}", columns, rows, len(rows))


def placements_table(report: PlacementsReport) -> Table:
    columns = [Column(_l("Probationary cadre")), Column(_l("Unit")), Column(_l("From"), "date"),
               Column(_l("To"), "date"), Column(_l("Length (days)"), "int"), Column(_l("Days logged"), "int"),
               Column(_l("Number of tasks"), "int"), Column(_l("Tasks covered"), "int"),
               Column(_l("Covered tasks")), Column(_l("Tasks not covered")), Column(_l("Mentor")),
               Column(_l("Closing report"))]
    rows = [(r.cadre_name, r.unit_name, r.start_date, r.end_date, r.length, r.days_logged,
             len(r.tasks), len(r.covered), "; ".join(r.covered), "; ".join(r.not_covered),
             r.mentor_name or "", r.closing_report or "") for r in report.rows]
    return Table(f"placements-{report.first.year}", columns, rows, len(rows))


def visits_query(root: Unit, first: date, last: date, status: str | None = None, form: str | None = None):
    """The visits of the people of a subtree (wherever they went: what its supervisor reviews, see
    ``people_of_subtree``) in a period, with the review queue's filters."""
    reviewer = aliased(User)
    query = (select(Visit.start_date, Visit.end_date, User.full_name, Unit.name, Unit.code, Visit.form,
                    Visit.status, Visit.participants, Visit.summary, Visit.received_at, reviewer.full_name)
             .join(User, User.id == Visit.cadre_id).join(Unit, Unit.id == Visit.unit_id)
             .outerjoin(reviewer, reviewer.id == Visit.reviewed_by_id)
             .where(Visit.cadre_id.in_(people_of_subtree(root)), Visit.start_date <= last,
                    Visit.end_date >= first)
             .order_by(Visit.start_date, Visit.id))
    if status:
        query = query.where(Visit.status == status)
    if form:
        query = query.where(Visit.form == form)
    return query


def visits_table(root: Unit, first: date, last: date, status: str | None = None,
                 form: str | None = None, length: int | None = None) -> Table:
    columns = [Column(_l("From"), "date"), Column(_l("To"), "date"), Column(_l("Number of days"), "int"),
               Column(_l("Cadre")), Column(_l("Unit")), Column(_l("Code")), Column(_l("Form")),
               Column(_l("Status")), Column(_l("Participants"), "int"), Column(_l("Summary")),
               Column(_l("Received"), "date"), Column(_l("Reviewed by"))]

    def rows() -> Iterator[tuple]:
        # streamed from the database in chunks: a million rows never sit in memory at once
        result = db.session.execute(visits_query(root, first, last, status, form),
                                    execution_options={"yield_per": 2000})
        # a label translated once per code, not once per row (gettext was half a CSV's time)
        forms: dict[str, str] = {}
        statuses: dict[str, str] = {}
        for (start, end, cadre, unit, code, form_code, status_code, people, summary, received,
             reviewer) in result:
            if form_code not in forms:
                forms[form_code] = form_label(form_code)
            if status_code not in statuses:
                statuses[status_code] = status_label(status_code)
            yield (start, end, days_of(start, end), cadre, unit, code or "", forms[form_code],
                   statuses[status_code], people, summary,
                   received.astimezone(LOCAL_ZONE).date() if received else None, reviewer or "")

    return Table(f"visits-{first.isoformat()}-{last.isoformat()}", columns, rows(), length)


def visits_count(root: Unit, first: date, last: date, status: str | None = None,
                 form: str | None = None) -> int:
    query = visits_query(root, first, last, status, form).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
