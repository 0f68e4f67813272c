"""The hearing's forms (Flask-WTF, CSRF): open a hearing, a conclusion, a direction, and the
cadre's own two (the monthly account, a direction done) for browsers without JavaScript."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, HiddenField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import MonthInput

from server.forms import Form, optional_int
from server.time import today
from server.visits import rules


class OpenHearingForm(Form):
    unit_id = SelectField(_l("Units heard (the subtree of)"), coerce=optional_int,
                          validators=[InputRequired(_l("Choose a unit."))])
    #: a month picker (<input type="month">); a browser without one shows a text box, so the
    #: server checks the text and says how to write it
    month = StringField(_l("Month heard"), widget=MonthInput(), validators=[
        InputRequired(_l("Choose the month heard.")),
        Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
               message=_l("Enter the month as year-month, for example 2025-10 for October 2025."))])
    held_on = DateField(_l("Date of the meeting"), validators=[InputRequired(_l("Enter the date."))])
    chair = StringField(_l("Chaired by"), validators=[DataRequired(_l("Enter who chaired.")),
                                                      Length(max=200)])
    document_number = StringField(_l("Number and symbol of the report"), validators=[Optional(),
                                                                                    Length(max=50)])

    def validate_month(self, field: Field) -> None:
        if field.errors:  # not a month at all: already said
            return
        first = self.first_day()
        if first > today():
            raise ValidationError(_l("The month cannot be in the future."))
        if first < rules.EARLIEST:
            raise ValidationError(_l("The month is too far back."))

    def first_day(self) -> date:
        """The month heard, as its first day (once validated)."""
        return date.fromisoformat(f"{self.month.data}-01")


class ConclusionForm(Form):
    conclusion = TextAreaField(_l("Conclusion"), validators=[Length(max=rules.MAX_TEXT)])


class DirectionForm(Form):
    text = TextAreaField(_l("Direction"), validators=[DataRequired(_l("Write the direction.")),
                                                      Length(max=rules.MAX_TEXT)])
    unit_id = SelectField(_l("Unit (optional)"), coerce=optional_int, validators=[Optional()],
                          validate_choice=False)
    topic_id = SelectField(_l("Topic (optional)"), coerce=optional_int, validators=[Optional()],
                           validate_choice=False)
    due_date = DateField(_l("Due by"), validators=[InputRequired(_l("Enter the due date."))])


class AccountForm(Form):
    """The cadre's account of a month (the same fields as AccountContent)."""

    id = HiddenField()
    base_version = HiddenField()
    went_well = TextAreaField(_l("What went well"), validators=[Length(max=rules.MAX_TEXT)])
    difficulties = TextAreaField(_l("Difficulties"), validators=[Length(max=rules.MAX_TEXT)])
    proposals = TextAreaField(_l("Proposals"), validators=[Length(max=rules.MAX_TEXT)])


class DoneForm(Form):
    base_version = HiddenField()
    note = TextAreaField(_l("What was done about it"), validators=[Length(max=rules.MAX_TEXT)])
