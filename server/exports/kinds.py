"""What an export is made of: one of the four reports, with its parameters checked by the report's
own filter form (as its page checks them) and kept as plain values, from which the table is built
again, in the asker's scope, wherever the job runs; or a hearing's .docx report (kind ``hearing``,
its one parameter the hearing's id), too long for the browser to wait for, which the hearing's
report link starts itself (server/hearings/views.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from server.auth.models import User
from server.extensions import db
from server.hearings.models import Hearing
from server.hearings.scope import can_see_hearing
from server.planning.models import Plan
from server.regime.counting import Counting
from server.reports import tables
from server.reports.coverage import coverage_report
from server.reports.forms import CoverageFilters, PlacementFilters, VisitFilters, YearFilters
from server.reports.placements import placements_report
from server.reports.scope import resolve_unit
from server.reports.year import plans, year_report
from server.time import today
from server.units.models import Unit

#: each kind's name, as its report page is titled
KINDS = {
    "year": _l("Year-end evaluation"),
    "coverage": _l("Coverage of grassroots units"),
    "placements": _l("Probationary placements"),
    "visits": _l("Visit list"),
}


#: a hearing's report: not one of the report pages' exports (not started by their buttons)
HEARING = "hearing"
#: every kind's name, for the pages of the jobs
NAMES = {**KINDS, HEARING: _l("Hearing report")}


#: each kind's filters: the report page's own form
FILTERS = {"year": YearFilters, "coverage": CoverageFilters, "placements": PlacementFilters,
           "visits": VisitFilters}


class InvalidExport(ValueError):
    """The parameters asked for are not ones the report's page would accept."""


def parse(kind: str, data: MultiDict, user: User) -> dict[str, Any]:
    """The parameters of a ``kind`` export asked with ``data`` (the page's filters, as the page's
    hidden fields send them back): checked by the report's own form, the unit within ``user``'s
    scope (404 outside it, as on the page)."""
    form = FILTERS[kind](data)
    if kind == "year":
        form.plan.choices = [SelectChoice(p.id, str(p.year)) for p in plans()]
    if not form.validate():
        raise InvalidExport(form.errors)
    params: dict[str, Any] = {"unit": resolve_unit(user, form.unit.data).id}
    if kind != "visits":
        params["counting"] = form.counting.data
    if kind == "year":
        params["plan"] = form.plan.data
    elif kind == "placements":
        params["year"] = form.year.data or today().year
    else:
        first, last = form.period()
        params.update(first=first.isoformat(), last=last.isoformat())
    if kind == "visits":
        params.update(status=form.status.data or None, form=form.form.data or None)
    return params


def table_for(kind: str, params: dict[str, Any], user: User) -> tables.Table:
    """The export's table, its length known (the visit list counts its rows; its rows themselves are
    read from the database as they are written). The unit is checked against ``user``'s scope again:
    a job that runs later must not outlive the asker's rights."""
    unit = resolve_unit(user, params["unit"])
    counting = Counting(params.get("counting") or Counting.APPROVED)
    if kind == "year":
        plan = db.session.get(Plan, params["plan"])
        if plan is None:
            raise InvalidExport("the plan no longer exists")
        return tables.year_table(year_report(plan, unit, counting))
    if kind == "placements":
        year = params["year"]
        report = placements_report(unit, date(year, 1, 1), date(year, 12, 31), counting)
        return tables.placements_table(report)
    first, last = date.fromisoformat(params["first"]), date.fromisoformat(params["last"])
    if kind == "coverage":
        return tables.coverage_table(coverage_report(unit, first, last, counting))
    status, form = params.get("status"), params.get("form")
    length = tables.visits_count(unit, first, last, status, form)
    return tables.visits_table(unit, first, last, status, form, length)


def hearing_for(params: dict[str, Any], user: User) -> Hearing:
    """The hearing of a ``hearing`` export, if ``user`` may still see it (the hearing page's own
    rule, ``can_see_hearing``), else 404: checked when the job runs and when its page or file is
    asked, so that neither outlives the asker's rights to the hearing."""
    hearing = db.session.get(Hearing, params["hearing"])
    if hearing is None or not can_see_hearing(user, hearing):
        abort(404)
    return hearing


def check(kind: str, params: dict[str, Any], user: User) -> None:
    """404 unless ``user`` may still see what the job holds: the hearing (its page's rule) or the
    report's unit (within their scope, as the report page checks it). Asked when the job runs and
    when its page or file is asked, so that a file made before outlives no one's rights."""
    if kind == HEARING:
        hearing_for(params, user)
    else:
        resolve_unit(user, params["unit"])


def may_see(kind: str, params: dict[str, Any], user: User) -> bool:
    """``check`` as a yes or no, for the list of one's exports."""
    try:
        check(kind, params, user)
    except NotFound:
        return False
    return True


def describe(kind: str, params: dict[str, Any]) -> str:
    """A line saying what an export holds, for its page and the list of one's exports."""
    if kind == HEARING:
        hearing = db.session.get(Hearing, params["hearing"])
        if hearing is None:
            return str(NAMES[kind])
        return " · ".join((str(NAMES[kind]), hearing.unit.name, f"{hearing.month:%m/%Y}"))
    unit = db.session.get(Unit, params["unit"])
    parts = [str(NAMES.get(kind, kind)), unit.name if unit else "?"]
    if kind == "year":
        plan = db.session.get(Plan, params["plan"])
        parts.append(str(plan.year) if plan else "?")
    elif kind == "placements":
        parts.append(str(params["year"]))
    else:
        first, last = date.fromisoformat(params["first"]), date.fromisoformat(params["last"])
        parts.append(f"{first:%d/%m/%Y}–{last:%d/%m/%Y}")
    return " · ".join(parts)
