"""The limits a visit must respect, stated once: the API schema, the web form and (through the
bootstrap) the phone's form all check these same numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from server.time import today

MAX_TEXT = 5000
MAX_TOPICS = 20
#: hearing directions one visit may say it carries out
MAX_DIRECTIONS = 20
#: tasks of its placement one visit may say it carries out (a placement lists a handful)
MAX_PLACEMENT_TASKS = 50
#: a visit is one trip: at most a month at the grassroots
MAX_TRIP_DAYS = 31
MAX_PARTICIPANTS = 100_000
EARLIEST = date(2000, 1, 1)
#: the plan asks for the report within this many days after the visit ends
REPORT_DUE_DAYS = 10


def date_errors(start: date, end: date) -> dict[str, str]:
    """Why these dates cannot be a real trip, by field; empty when they can (Vietnam's today)."""
    errors: dict[str, str] = {}
    local_today = today()
    if start < EARLIEST:
        errors["start_date"] = _("The date is too far in the past.")
    elif start > local_today:
        errors["start_date"] = _("The visit cannot start in the future.")
    if end < start:
        errors["end_date"] = _("The end date is before the start date.")
    elif end > local_today:
        errors["end_date"] = _("The visit cannot end in the future.")
    elif (end - start).days + 1 > MAX_TRIP_DAYS:
        errors["end_date"] = _("A visit lasts at most %(days)d days.", days=MAX_TRIP_DAYS)
    return errors


def for_devices() -> dict[str, Any]:
    """The same limits for the phone (sent in the sync bootstrap)."""
    return {
        "max_text": MAX_TEXT, "max_topics": MAX_TOPICS, "max_trip_days": MAX_TRIP_DAYS,
        "max_participants": MAX_PARTICIPANTS, "earliest_date": EARLIEST.isoformat(),
        "report_due_days": REPORT_DUE_DAYS, "max_directions": MAX_DIRECTIONS,
        "max_placement_tasks": MAX_PLACEMENT_TASKS,
    }
