"""Report pages and their exports, for supervisors and admins (cadres get 403); every report covers
a unit subtree inside the reader's scope (404 outside it). The figures come from the services."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from server.auth.models import Role
from server.auth.permissions import roles_required
from server.exports.answers import send_table
from server.exports.services import runs_in_background
from server.paging import packed, page_of
from server.regime.counting import Counting
from server.reports import charts, exports, tables
from server.reports.coverage import coverage_report
from server.reports.forms import (
    COUNTING_LABELS,
    CoverageFilters,
    PlacementFilters,
    VisitFilters,
    YearFilters,
)
from server.reports.placements import placements_report
from server.reports.scope import resolve_unit, scope_choices
from server.reports.year import plans, year_report
from server.reports.year_docx import MIMETYPE as DOCX_MIMETYPE
from server.reports.year_docx import year_docx
from server.time import today

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)


def _export(table: tables.Table, fmt: str):
    """The file at once (a link's ``format=``), unless it is large enough to be a background job:
    a GET starts none (no CSRF token), so the page's buttons, which post, are pointed at instead."""
    if runs_in_background(table.length):
        flash(_("This export holds %(rows)s rows: it is written in the background. Press XLSX or CSV.",
                rows=format_number(table.length or 0)), "warning")
        return redirect(url_for(request.endpoint, **{k: v for k, v in request.args.items() if k != "format"}),
                        303)
    return send_table(table, fmt)


def _format() -> str | None:
    fmt = request.args.get("format")
    return fmt if fmt in exports.FORMATS else None


#: rows of a report's table on one page (its exports keep every row): a province's 5,000 cadres
#: were 1.64 MB of HTML on one page
ROWS_PER_PAGE = 200
#: units in the coverage's tables on one page: a province's 3,000 were 268 KB of HTML; with the chart
#: and the summary by parent on every page, 1,000 a page still made 214 KB
UNITS_PER_PAGE = 600


def _render(template: str, form, **context):
    status = 400 if form.errors else 200
    return render_template(template, form=form, units=scope_choices(current_user),
                           counting_labels=COUNTING_LABELS, **context), status


@bp.get("/")
@roles_required(*REVIEWERS)
def index():
    return render_template("reports/index.html")


@bp.get("/year")
@roles_required(*REVIEWERS)
def year():
    form = YearFilters(request.args)
    all_plans = plans()
    form.plan.choices = [SelectChoice(p.id, f"{p.year} · {p.title}") for p in all_plans]
    if not all_plans:
        return _render("reports/year.html", form, report=None)
    if form.plan.data is None:
        form.plan.data = next((p.id for p in all_plans if p.year == today().year), all_plans[0].id)
    if not form.validate():
        return _render("reports/year.html", form, report=None)
    unit = resolve_unit(current_user, form.unit.data)
    plan = next(p for p in all_plans if p.id == form.plan.data)
    if request.args.get("format") == "docx":
        name = f"bao-cao-nam-{plan.year}-{unit.code or unit.id}.docx"
        return send_file(year_docx(plan, unit, Counting(form.counting.data)), mimetype=DOCX_MIMETYPE,
                         as_attachment=True, download_name=name)
    counting = Counting(form.counting.data)
    if fmt := _format():
        return _export(tables.year_table(year_report(plan, unit, counting)), fmt)
    # the page's rows only: the regime's figures of 200 cadres, not of a province's 5,000
    report = year_report(plan, unit, counting, page=request.args.get("page", 1, type=int),
                         per_page=ROWS_PER_PAGE)
    if report is None:
        abort(404)
    days = report.summary.days_of_covered
    bands = [(charts.band_label(b), sum(1 for d in days if d >= b[0] and (b[1] is None or d <= b[1])))
             for b in charts.days_bands(plan.minimum_days)]
    return _render(
        "reports/year.html", form, report=report, table=tables.year_table(report), page=report.page,
        unit=unit, bands=bands,
        month_chart=charts.visits_by_month(report.visits_by_month, _("Visits per month, by form")),
        days_chart=charts.days_histogram(days, plan.minimum_days, _("Cadres by days at the grassroots"),
                                         _("Cadres")))


@bp.get("/coverage")
@roles_required(*REVIEWERS)
def coverage():
    form = CoverageFilters(request.args)
    if not form.validate():
        return _render("reports/coverage.html", form, report=None)
    unit = resolve_unit(current_user, form.unit.data)
    first, last = form.period()
    report = coverage_report(unit, first, last, Counting(form.counting.data))
    if fmt := _format():
        return _export(tables.coverage_table(report), fmt)
    chart = charts.coverage_shares([(g.parent_name, g.share) for g in report.groups],
                                   _("Share of grassroots units visited, by parent unit"), _("Visited (%)"))
    # the units' tables in pages of whole parent units (the summary and chart show them all)
    page = page_of(packed(report.groups, lambda group: len(group.units), UNITS_PER_PAGE),
                   request.args.get("page", 1, type=int), 1)
    if page is None:
        abort(404)
    return _render("reports/coverage.html", form, report=report, unit=unit, chart=chart, page=page,
                   groups=page.items[0])


@bp.get("/placements")
@roles_required(*REVIEWERS)
def placements():
    form = PlacementFilters(request.args)
    if not form.validate():
        return _render("reports/placements.html", form, report=None)
    unit = resolve_unit(current_user, form.unit.data)
    year = form.year.data or today().year
    report = placements_report(unit, date(year, 1, 1), date(year, 12, 31), Counting(form.counting.data))
    if fmt := _format():
        return _export(tables.placements_table(report), fmt)
    return _render("reports/placements.html", form, report=report, unit=unit, year=year,
                   table=tables.placements_table(report))


@bp.get("/visits")
@roles_required(*REVIEWERS)
def visits():
    form = VisitFilters(request.args)
    if not form.validate():
        return _render("reports/visits.html", form, count=None)
    unit = resolve_unit(current_user, form.unit.data)
    first, last = form.period()
    status, visit_form = form.status.data or None, form.form.data or None
    count = tables.visits_count(unit, first, last, status, visit_form)
    if fmt := _format():
        return _export(tables.visits_table(unit, first, last, status, visit_form, count), fmt)
    return _render("reports/visits.html", form, count=count, unit=unit, first=first, last=last)
