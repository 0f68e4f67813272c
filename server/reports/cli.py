"""``flask report year|coverage|placements|visits … --format csv|xlsx -o FILE`` for scheduled use;
``report year`` also writes the year's report as a Union document (``--format docx``, always in
Vietnamese).

Read-only, so not wrapped in ``@commits``. Covers the whole tree unless ``--unit`` (an id or an
administrative code) names a subtree. Headers are in ``--lang`` (Vietnamese by default).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import or_, select

from server.extensions import db
from server.planning.models import Plan
from server.regime.counting import Counting
from server.reports import exports, tables
from server.reports.coverage import coverage_report
from server.reports.placements import placements_report
from server.reports.year import year_report
from server.reports.year_docx import year_docx
from server.time import today
from server.units.models import Unit

report_cli = AppGroup("report", help="Write a report to a CSV or XLSX file (the year's also to DOCX).")


def _output_options(formats: tuple[str, ...]) -> list:
    return [
        click.option("--unit", "unit_ref", help="Unit id or code whose subtree to cover (default: all)."),
        click.option("--counting", type=click.Choice([c.value for c in Counting]),
                     default=Counting.APPROVED.value, show_default=True,
                     help="approved: approved only; submitted: approved and submitted."),
        click.option("--format", "fmt", type=click.Choice(formats), default="xlsx", show_default=True),
        click.option("-o", "--output", type=click.File("wb"), required=True,
                     help="File to write ('-': stdout)."),
        click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
                     help="Language of CSV and XLSX headers (a .docx is always in Vietnamese)."),
    ]


_output = _output_options(exports.FORMATS)
#: the year's report may also be written as a Union document
_year_output = _output_options((*exports.FORMATS, "docx"))
_period = [
    click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]),
                 help="First day (default: 1 January)."),
    click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: today)."),
]


def _options(*groups: list) -> Callable:
    def decorate(f: Callable) -> Callable:
        for group in reversed(groups):
            for option in reversed(group):
                f = option(f)
        return f
    return decorate


def _unit(ref: str | None) -> Unit:
    if ref is None:
        unit = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    else:
        unit = db.session.scalar(select(Unit).where(
            or_(Unit.code == ref, Unit.id == (int(ref) if ref.isdigit() else -1))))
    if unit is None:
        raise click.BadParameter(f"no unit {ref!r}", param_hint="--unit")
    return unit


def _period_of(first: datetime | None, last: datetime | None) -> tuple[date, date]:
    now = today()
    start, end = (first.date() if first else date(now.year, 1, 1)), (last.date() if last else now)
    if end < start:
        raise click.BadParameter("the period ends before it starts", param_hint="--to")
    return start, end


def _write(table_for: Callable[[], tables.Table], fmt: str, output: Any, lang: str) -> None:
    with force_locale(lang):
        table = table_for()

        def progress(rows: Iterable[Any]) -> Iterable[Any]:
            # a bar only on a terminal: a scheduled job's log stays clean
            if not sys.stderr.isatty() or not table.length:
                yield from rows
                return
            with click.progressbar(rows, length=table.length, file=sys.stderr, label=table.name) as bar:
                yield from bar

        exports.write(table, fmt, output, progress)
    output.flush()


@report_cli.command("year")
@click.option("--year", type=int, help="The plan's year (default: this year).")
@_options(_year_output)
def year_command(year: int | None, unit_ref: str | None, counting: str, fmt: str, output: Any,
                 lang: str) -> None:
    """The year-end evaluation against the year's plan (``docx``: the year's report)."""
    plan = db.session.scalar(select(Plan).where(Plan.year == (year or today().year)))
    if plan is None:
        raise click.BadParameter(f"no plan for {year or today().year}", param_hint="--year")
    unit = _unit(unit_ref)
    if fmt == "docx":
        output.write(year_docx(plan, unit, Counting(counting)).getvalue())
        output.flush()
        return
    _write(lambda: tables.year_table(year_report(plan, unit, Counting(counting))), fmt, output, lang)


@report_cli.command("coverage")
@_options(_period, _output)
def coverage_command(first, last, unit_ref, counting, fmt, output, lang) -> None:
    """Grassroots units visited and not visited in a period."""
    start, end = _period_of(first, last)
    unit = _unit(unit_ref)
    _write(lambda: tables.coverage_table(coverage_report(unit, start, end, Counting(counting))), fmt, output,
           lang)


@report_cli.command("placements")
@click.option("--year", type=int, help="Placements overlapping this year (default: this year).")
@_options(_output)
def placements_command(year, unit_ref, counting, fmt, output, lang) -> None:
    """Probationary placements: days logged against their length."""
    y = year or today().year
    unit = _unit(unit_ref)
    _write(lambda: tables.placements_table(
        placements_report(unit, date(y, 1, 1), date(y, 12, 31), Counting(counting))), fmt, output, lang)


@report_cli.command("visits")
@_options(_period, _output)
@click.option("--status", type=click.Choice(["submitted", "approved", "returned"]))
@click.option("--form", "visit_form", type=click.Choice(["survey", "activity", "inspection", "meeting"]))
def visits_command(first, last, unit_ref, counting, fmt, output, lang, status, visit_form) -> None:
    """The raw visit list (``--counting`` is ignored: filter with ``--status``)."""
    start, end = _period_of(first, last)
    unit = _unit(unit_ref)
    length = tables.visits_count(unit, start, end, status, visit_form)
    _write(lambda: tables.visits_table(unit, start, end, status, visit_form, length), fmt, output, lang)
