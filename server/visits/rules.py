"""The limits a visit must respect, stated once: the API schema, the web form and (through the
bootstrap) the phone's form all check these same numbers."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
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
#: a visit that started longer ago than this asks the cadre to confirm its date (a slip of the
#: year in a date picker is the usual cause; a visit back-entered on purpose stays possible)
CONFIRM_OLDER_THAN_DAYS = 365


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


def date_doubts(start: date, plan_years: Collection[int]) -> list[str]:
    """Why a possible date deserves a second look before saving: long ago, or in a year no plan
    covers while others are (a slip of the year). Empty when it looks ordinary. The phone asks the
    same, with the numbers of ``for_devices`` and the bootstrap's ``plan_years``."""
    doubts = []
    if start < today() - timedelta(days=CONFIRM_OLDER_THAN_DAYS):
        shown = start.strftime("%d/%m/%Y")
        doubts.append(_("This visit started more than a year ago (%(date)s).", date=shown))
    if plan_years and start.year not in plan_years:  # no plan at all: nothing to be covered by
        doubts.append(_("No plan covers %(year)d: its days will count towards no minimum.", year=start.year))
    return doubts


def for_devices() -> dict[str, Any]:
    """The same limits for the phone (sent in the sync bootstrap)."""
    return {
        "max_text": MAX_TEXT, "max_topics": MAX_TOPICS, "max_trip_days": MAX_TRIP_DAYS,
        "max_participants": MAX_PARTICIPANTS, "earliest_date": EARLIEST.isoformat(),
        "report_due_days": REPORT_DUE_DAYS, "max_directions": MAX_DIRECTIONS,
        "max_placement_tasks": MAX_PLACEMENT_TASKS, "confirm_older_than_days": CONFIRM_OLDER_THAN_DAYS,
    }
