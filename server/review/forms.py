"""Review forms: the queue's filter (GET, in the URL) and the actions (POST, with CSRF)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from server.forms import Form, optional_int
from server.review.queue import QueueFilter
from server.review.search import searchable
from server.visits.labels import FORM_LABELS, STATUS_LABELS
from server.visits.rules import MAX_TEXT


def _searchable(_form: Form, field: StringField) -> None:
    """A search needs a word the index holds (server/review/search.py)."""
    if field.data and field.data.strip() and not searchable(field.data):
        raise ValidationError(_l("Type a word of three letters or more."))


class QueueFilterForm(Form):
    """The queue's filters, read from the query string so a view can be bookmarked and shared.
    Build it with ``formdata=request.args``; it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="submitted", validators=[Optional()],
                         choices=[SelectChoice("", _l("All"))]
                         + [SelectChoice(code, label) for code, label in STATUS_LABELS.items()])
    unit = SelectField(_l("Unit (with the units below it)"), coerce=optional_int, validators=[Optional()])
    cadre = SelectField(_l("Cadre"), coerce=optional_int, validators=[Optional()])
    #: in place of the lists when a province has too many units or cadres to list
    unit_code = StringField(_l("Unit code (with the units below it)"),
                            validators=[Optional(), Length(max=20)])
    cadre_username = StringField(_l("Cadre's username"), validators=[Optional(), Length(max=80)])
    form = SelectField(_l("Form of the visit"), validators=[Optional()],
                       choices=[SelectChoice("", _l("All"))]
                       + [SelectChoice(code, label) for code, label in FORM_LABELS.items()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    placement = BooleanField(_l("Placement visits only"))
    late = BooleanField(_l("Reported late only"))
    q = StringField(_l("Search the texts"), validators=[Optional(), Length(max=200), _searchable])

    def set_choices(self, units: list[tuple[int, str]] | None, cadres: list[tuple[int, str]] | None) -> None:
        """Lists of choices, or (None) a code to type: ``listed_units`` / ``listed_cadres`` say which."""
        self.listed_units, self.listed_cadres = units is not None, cadres is not None
        self.unit.choices = [SelectChoice("", _l("All"))] + [SelectChoice(i, n) for i, n in units or []]
        self.cadre.choices = [SelectChoice("", _l("All"))] + [SelectChoice(i, n) for i, n in cadres or []]

    def resolve_codes(self, unit_id: int | None, cadre_id: int | None) -> None:
        """Use the ids found for the typed unit code and username (None: nothing found)."""
        if self.unit_code.data and not self.listed_units:
            self.unit.data = unit_id
            if unit_id is None:
                self.unit_code.errors = [*self.unit_code.errors, _l("No unit of yours has this code.")]
        if self.cadre_username.data and not self.listed_cadres:
            self.cadre.data = cadre_id
            if cadre_id is None:
                self.cadre_username.errors = [*self.cadre_username.errors,
                                              _l("No cadre of yours has this username.")]

    def to_filter(self) -> QueueFilter:
        """The valid parts of the filter (a part with an error is left out and shown)."""

        def ok(field: Any) -> Any:
            return None if field.errors else field.data

        return QueueFilter(
            status=ok(self.status) or None, unit_id=ok(self.unit), cadre_id=ok(self.cadre),
            form=ok(self.form) or None, date_from=ok(self.date_from), date_to=ok(self.date_to),
            placement_only=bool(self.placement.data), late_only=bool(self.late.data),
            text=(ok(self.q) or "").strip(),
        )


class ApproveForm(Form):
    #: the version the supervisor read: a visit changed since is not reviewed blindly
    version = HiddenField(validators=[InputRequired()])


class ReturnForm(Form):
    version = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(_l("What should the cadre change?"), validators=[
        DataRequired(_l("Say what the cadre should change.")), Length(max=MAX_TEXT)])


class ReopenForm(Form):
    """Put an approved visit back to "submitted", saying why (kept in its history and the audit)."""

    version = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Why reopen this approved visit?"), validators=[
        DataRequired(_l("Say why the visit is reopened.")), Length(max=MAX_TEXT)])


class BulkApproveForm(Form):
    """Approve the ticked visits (``selected``) or every visit shown (``shown``), as id:version.

    Without ``confirmed`` nothing is approved: the answer is a page saying how many visits and
    whose, to confirm (the queue's script asks the same in a dialog and sends ``confirmed``)."""

    next = HiddenField()
    confirmed = HiddenField()
