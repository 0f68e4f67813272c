"""Admin forms (Flask-WTF, CSRF on every POST). Choices are filled by the views from the database."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from server.auth.models import Role
from server.forms import Form, optional_int
from server.i18n import LOCALES
from server.units.models import UnitKind

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


def role_choices() -> list[tuple[str, Any]]:
    return [(Role.CADRE.value, _l("Cadre")), (Role.SUPERVISOR.value, _l("Supervisor")),
            (Role.ADMIN.value, _l("Administrator"))]


def kind_choices() -> list[tuple[str, Any]]:
    return [(UnitKind.PROVINCE.value, _l("Province")), (UnitKind.DISTRICT.value, _l("District")),
            (UnitKind.COMMUNE.value, _l("Commune")), (UnitKind.WARD.value, _l("Ward")),
            (UnitKind.AGENCY.value, _l("Department"))]


def locale_choices() -> list[tuple[str, str]]:
    return [(code, {"vi": "Tiếng Việt", "en": "English"}[code]) for code in LOCALES]


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _end_after_start(form: Form, field) -> None:
    start = form.start_date.data
    if field.data and start and field.data < start:
        raise ValidationError(_l("The end cannot be before the start."))


# -- users -----------------------------------------------------------------------------------------

class UserForm(Form):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(max=80),
        Regexp(USERNAME_PATTERN,
               message=_l("Lower-case letters, digits, dots, dashes and underscores only."))],
        render_kw={"autocapitalize": "none", "autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[InputRequired()])
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validators=[InputRequired()])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    is_full_time = BooleanField(_l("Full-time cadre (the plan's minimum applies)"))
    is_probationary = BooleanField(_l("Probationary cadre"))
    locale = SelectField(_l("Language"), choices=locale_choices, validators=[InputRequired()])


class UserFilterForm(Form):
    class Meta:
        csrf = False  # a GET search

    q = StringField(_l("Name or username"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=lambda: [("", _l("All roles")), *role_choices()],
                       validators=[Optional()])
    status = SelectField(_l("Status"), choices=lambda: [("active", _l("Active")),
                                                        ("inactive", _l("Deactivated")), ("", _l("All"))],
                         validators=[Optional()])


# -- units -----------------------------------------------------------------------------------------

class UnitForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[InputRequired()])
    code = StringField(_l("Official code"), validators=[Optional(), Length(max=20)])
    parent_id = SelectField(_l("Parent unit"), coerce=optional_int, validators=[Optional()])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()])

    def validate_valid_to(self, field) -> None:
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end cannot be before the start."))


class UnitFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name or code"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=lambda: [("current", _l("Current")),
                                                        ("retired", _l("Retired")), ("", _l("All"))],
                         validators=[Optional()])


class RetireForm(Form):
    on = DateField(_l("Last day"), validators=[InputRequired()])


class MergeForm(Form):
    sources = CheckboxesField(_l("Units to merge"), coerce=int, validators=[DataRequired()])
    successor_id = SelectField(_l("Into an existing unit"), coerce=optional_int, validators=[Optional()])
    new_name = StringField(_l("Or a new unit named"), validators=[Optional(), Length(max=200)])
    new_code = StringField(_l("New unit's official code"), validators=[Optional(), Length(max=20)])
    new_kind = SelectField(_l("New unit's kind"), choices=kind_choices, validators=[Optional()])
    new_parent_id = SelectField(_l("New unit's parent"), coerce=optional_int, validators=[Optional()])
    on = DateField(_l("Merged from"), validators=[InputRequired()])

    def validate(self, extra_validators=None) -> bool:
        # not an inline validator: Optional() on an empty field would skip it
        ok = super().validate(extra_validators)
        if bool((self.new_name.data or "").strip()) == bool(self.successor_id.data):
            self.successor_id.errors = [*self.successor_id.errors,
                                        _l("Choose an existing unit or name a new one (one of the two).")]
            return False
        return ok


# -- CSV import ------------------------------------------------------------------------------------

class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     render_kw={"accept": ".csv,text/csv"})


class ApplyImportForm(Form):
    #: the checked file, sent back to be checked again and applied (nothing is kept on the server)
    content = HiddenField(validators=[DataRequired()])


class PasswordSheetForm(Form):
    #: the import's temporary passwords, sent back from their page to be downloaded as CSV (the
    #: server keeps none of them: server/admin/password_sheet.py)
    sheet = HiddenField(validators=[DataRequired()])


# -- planning --------------------------------------------------------------------------------------

class AssignmentForm(Form):
    cadre_id = SelectField(_l("Cadre"), coerce=optional_int, validators=[InputRequired()])
    unit_ids = CheckboxesField(_l("Units in their charge"), coerce=int,
                               validators=[DataRequired(_l("Choose at least one unit."))])
    start_date = DateField(_l("From"), validators=[InputRequired()])
    end_date = DateField(_l("Until (empty: open-ended)"), validators=[Optional(), _end_after_start])
    notice_number = StringField(_l("Notice number"), validators=[Optional(), Length(max=50)])
    notice_date = DateField(_l("Notice date"), validators=[Optional()])


class PlacementForm(Form):
    cadre_id = SelectField(_l("Probationary cadre"), coerce=optional_int, validators=[InputRequired()])
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validators=[InputRequired()])
    start_date = DateField(_l("Start"), validators=[InputRequired()])
    end_date = DateField(_l("End (empty: one week)"), validators=[Optional(), _end_after_start])
    topic_ids = CheckboxesField(_l("Tasks from the topics"), coerce=int, validators=[Optional()])
    tasks = TextAreaField(_l("Other tasks, one per line"), validators=[Optional(), Length(max=4000)])
    mentor_name = StringField(_l("Mentor"), validators=[Optional(), Length(max=200)])


class PlanForm(Form):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    document_number = StringField(_l("Document number"), validators=[Optional(), Length(max=50)])
    document_date = DateField(_l("Document date"), validators=[Optional()])
    minimum_days = IntegerField(_l("Minimum days at the grassroots"),
                                validators=[InputRequired(), NumberRange(0, 366)], default=60)
    covered_unit_id = SelectField(_l("Covers the full-time cadres of"), coerce=optional_int,
                                  validators=[Optional()])
    back_entry_before = DateField(
        _l("Back-entered before"), validators=[Optional()],
        description=_l("Visits that ended before this day were entered when the province started using "
                       "dicoso: a late report among them is counted apart, not as late."))


class ExemptionForm(Form):
    cadre_id = SelectField(_l("Cadre"), coerce=optional_int, validators=[InputRequired()])
    reason = StringField(_l("Reason (study, illness, maternity …)"),
                         validators=[DataRequired(), Length(max=300)])
    minimum_days = IntegerField(_l("Lower minimum (empty: fully exempt)"),
                                validators=[Optional(), NumberRange(0, 366)])
    start_date = DateField(_l("From"), validators=[Optional()])
    end_date = DateField(_l("Until"), validators=[Optional(), _end_after_start])


class TopicForm(Form):
    name_vi = StringField(_l("Name in Vietnamese"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Order"), validators=[Optional(), NumberRange(0, 10000)], default=0)
