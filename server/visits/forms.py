"""The visit form (Flask-WTF): the same fields and limits as the sync API's VisitIn.

The form checks shape and limits; the domain rules (unit scope, topics, placement, versions) are
checked once, by ``server.sync.services.push_visits``, for the form and the API alike.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from server.sync.schemas import MAX_PARTICIPANTS, MAX_TEXT, MAX_TRIP_DAYS
from server.time import today
from server.visits.labels import FORM_LABELS


def _optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def _choices(pairs) -> list[SelectChoice]:
    # labels stay lazy: they are translated when the form renders, in the reader's language
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(FlaskForm):
    id = HiddenField()
    base_version = HiddenField()
    unit_id = SelectField(_l("Unit visited"), coerce=_optional_int,
                          validators=[InputRequired(_l("Choose the unit you visited."))])
    placement_id = SelectField(_l("Placement"), coerce=_optional_int, validators=[Optional()])
    start_date = DateField(_l("From"), validators=[InputRequired(_l("Enter the start date."))])
    end_date = DateField(_l("To"), validators=[InputRequired(_l("Enter the end date."))])
    form = RadioField(_l("Form of the visit"), choices=_choices(FORM_LABELS.items()),
                      validators=[InputRequired(_l("Choose the form of the visit."))])
    topics = MultiCheckboxField(_l("Topics"), coerce=int, validators=[Optional()])
    summary = TextAreaField(_l("What was done"), validators=[Length(max=MAX_TEXT)])
    findings = TextAreaField(_l("Findings and problems"), validators=[Length(max=MAX_TEXT)])
    recommendations = TextAreaField(_l("Recommendations"), validators=[Length(max=MAX_TEXT)])
    participants = IntegerField(_l("People taking part"), default=0, validators=[
        Optional(), NumberRange(0, MAX_PARTICIPANTS, _l("Enter a number from 0 to %(max)d."))])

    def set_choices(self, bootstrap: dict[str, Any], choose_label: str, none_label: str) -> None:
        """Choices from the same data the device gets offline (the sync bootstrap)."""
        self.unit_id.choices = _choices([("", choose_label)] + [(u["id"], u["name"])
                                                                 for u in bootstrap["units"]])
        self.placement_id.choices = _choices([("", none_label)] + [
            (p["id"], p["unit_name"]) for p in bootstrap["placements"]])
        self.topics.choices = _choices((t["id"], t["name"]) for t in bootstrap["topics"])

    def validate_start_date(self, field: DateField) -> None:
        if field.data and field.data > today():
            raise ValidationError(_l("The visit cannot start in the future."))

    def validate_end_date(self, field: DateField) -> None:
        start = self.start_date.data
        if not (field.data and start):
            return
        if field.data < start:
            raise ValidationError(_l("The end date is before the start date."))
        if field.data > today():
            raise ValidationError(_l("The visit cannot end in the future."))
        if (field.data - start).days + 1 > MAX_TRIP_DAYS:
            raise ValidationError(_l("A visit lasts at most %(days)d days.", days=MAX_TRIP_DAYS))

    def to_wire(self, visit_id: str) -> dict[str, Any]:
        """The visit as a device would push it."""
        base = self.base_version.data
        return {
            "id": visit_id,
            "base_version": int(base) if base and base.isdigit() else None,
            "unit_id": self.unit_id.data,
            "start_date": self.start_date.data.isoformat(),
            "end_date": self.end_date.data.isoformat(),
            "form": self.form.data,
            "topics": list(self.topics.data or []),
            "summary": self.summary.data or "",
            "findings": self.findings.data or "",
            "recommendations": self.recommendations.data or "",
            "participants": self.participants.data or 0,
            "placement_id": self.placement_id.data,
        }
