"""Report filters: GET forms (read-only, so no CSRF token), checked like any form."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from server.ids import ID_RANGE
from server.regime.counting import Counting
from server.time import today
from server.visits.labels import FORM_LABELS, STATUS_LABELS

COUNTING_LABELS = {
    Counting.APPROVED: _l("Approved visits only"),
    Counting.APPROVED_AND_SUBMITTED: _l("Approved and submitted visits"),
}
#: the longest period one report covers; longer asks are refused rather than left to run
MAX_PERIOD_DAYS = 3 * 366


def _all_and(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", _l("All")), *(SelectChoice(k, v) for k, v in labels.items())]


class _Filters(Form):
    # the unit is checked against the reader's scope by the view (404 outside it), not here
    unit = IntegerField(_l("Units"), validators=[Optional(), ID_RANGE])
    counting = SelectField(_l("Count"), default=Counting.APPROVED.value,
                           choices=[SelectChoice(k.value, v) for k, v in COUNTING_LABELS.items()])


class _Period(_Filters):
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])

    def validate_last(self, field: DateField) -> None:
        first, last = self.first.data, field.data
        if first and last and last < first:
            raise ValidationError(_l("The end of the period is before its start."))
        if first and last and (last - first).days > MAX_PERIOD_DAYS:
            raise ValidationError(_l("Choose a period of at most three years."))

    def period(self) -> tuple[date, date]:
        """The chosen period; by default this year so far."""
        now = today()
        return self.first.data or date(now.year, 1, 1), self.last.data or now


class YearFilters(_Filters):
    plan = SelectField(_l("Plan"), coerce=int, validate_choice=True)


class CoverageFilters(_Period):
    pass


class PlacementFilters(_Filters):
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])


class VisitFilters(_Period):
    status = SelectField(_l("Status"), choices=_all_and(STATUS_LABELS), default="")
    form = SelectField(_l("Form"), choices=_all_and(FORM_LABELS), default="")
