"""Late reports: the plan asks for a visit's report within ``REPORT_DUE_DAYS`` days after it ends.

Whether a report came late is decided once, when the server first receives it, by the one write
path (``server.visits.store``, with ``server.visits.rules.report_late``) and kept on the visit.
Visits entered after the fact when a province starts using dicoso (back-entered or imported) are
not late: a plan may say that visits ending before its ``back_entry_before`` day were
back-entered. They are counted apart, never hidden.
"""

from __future__ import annotations

from sqlalchemy import and_, false
from sqlalchemy.sql.expression import ColumnElement

from server.planning.models import Plan
from server.visits.models import Visit


def back_entered(plan: Plan | None) -> ColumnElement:
    """Visits received late that ended before the plan's back-entry day."""
    if plan is None or plan.back_entry_before is None:
        return false()
    return and_(Visit.reported_late.is_(True), Visit.end_date < plan.back_entry_before)


def late(plan: Plan | None) -> ColumnElement:
    """Visits received late that were not back-entered."""
    if plan is None or plan.back_entry_before is None:
        return Visit.reported_late.is_(True)
    return and_(Visit.reported_late.is_(True), Visit.end_date >= plan.back_entry_before)
