"""The visit form (Flask-WTF), for browsers without JavaScript: the fields of ``VisitContent``.

The form checks shape and limits (server/visits/rules.py, the same numbers as the API); the
domain rules (unit scope, topics, placement, versions) are checked once, by
``server.visits.push.push_visits``, for the form and the API alike. Its values go to and come
from the wire format generically, so a field declared in ``VisitContent`` needs only a form field
of the same name here (tests/visits/test_round_trip.py fails otherwise).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from server.forms import Form, optional_int
from server.visits import rules
from server.visits.labels import FORM_LABELS
from server.visits.models import Visit
from server.visits.store import snapshot
from server.visits.wire import CONTENT_FIELDS, VisitIn, content_of


def _choices(pairs) -> list[SelectChoice]:
    # labels stay lazy: they are translated when the form renders, in the reader's language
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocationField(HiddenField):
    """``{"lat", "lon", "accuracy_m"}`` as JSON in a hidden input (set by the page's script)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if raw:
            try:
                self.data = json.loads(raw)
            except ValueError:
                self.data = raw  # VisitIn refuses it with a clear message

    def _value(self) -> str:
        return json.dumps(self.data) if isinstance(self.data, dict) else ""


class VisitForm(Form):
    id = HiddenField()
    base_version = HiddenField()
    unit_id = SelectField(_l("Unit visited"), coerce=optional_int,
                          validators=[InputRequired(_l("Choose the unit you visited."))])
    placement_id = SelectField(_l("Placement"), coerce=optional_int, validators=[Optional()])
    # The push rules decide which tasks fit the chosen placement (its own, or already on the visit).
    placement_tasks = MultiCheckboxField(_l("Placement tasks this visit carried out"),
                                         validators=[Optional()], validate_choice=False)
    start_date = DateField(_l("From"), validators=[InputRequired(_l("Enter the start date."))])
    end_date = DateField(_l("To"), validators=[InputRequired(_l("Enter the end date."))])
    form = RadioField(_l("Form of the visit"), choices=_choices(FORM_LABELS.items()),
                      validators=[InputRequired(_l("Choose the form of the visit."))])
    topics = MultiCheckboxField(_l("Topics"), coerce=int, validators=[Optional()])
    # The push rules decide which directions a visit may carry (own, open or already linked).
    directions = MultiCheckboxField(_l("Directions this visit carries out"), coerce=int,
                                    validators=[Optional()], validate_choice=False)
    summary = TextAreaField(_l("What was done"), validators=[Length(max=rules.MAX_TEXT)])
    findings = TextAreaField(_l("Findings and problems"), validators=[Length(max=rules.MAX_TEXT)])
    recommendations = TextAreaField(_l("Recommendations"), validators=[Length(max=rules.MAX_TEXT)])
    # empty until typed: a 0 already there reads as "nobody came" and gets saved unread
    participants = IntegerField(_l("People taking part"), validators=[
        Optional(), NumberRange(0, rules.MAX_PARTICIPANTS, _l("Enter a number from 0 to %(max)d."))])
    location = LocationField()
    #: not part of the visit: shown only when the date looks doubtful (rules.date_doubts)
    confirm_date = BooleanField(_l("The date is right: save anyway"))

    #: the years with a plan, and the date the visit had before this edit (the view sets them)
    plan_years: tuple[int, ...] = ()
    saved_start: date | None = None
    date_doubts: list[str] = []

    def set_choices(self, bootstrap: dict[str, Any], choose_label: str, none_label: str) -> None:
        """Choices from the same data the device gets offline (the sync bootstrap)."""
        self.unit_id.choices = _choices([("", choose_label)] + [(u["id"], u["name"])
                                                                 for u in bootstrap["units"]])
        self.placement_id.choices = _choices([("", none_label)] + [
            (p["id"], p["unit_name"]) for p in bootstrap["placements"]])
        self.topics.choices = _choices((t["id"], t["name"]) for t in bootstrap["topics"])
        self.directions.choices = _choices((d["id"], d["text"]) for d in bootstrap["directions"])
        # every task of the cadre's placements, each once (the page's script shows only the
        # chosen placement's; without JavaScript the push rules check the choice)
        tasks = dict.fromkeys(task for p in bootstrap["placements"] for task in p["tasks"])
        self.placement_tasks.choices = _choices((task, task) for task in tasks)

    def keep_linked_directions(self, visit: Visit) -> None:
        """A visit being edited keeps offering the directions and placement tasks it carries, even
        closed directions and tasks the admin has reworded since."""
        offered = {choice.value for choice in self.directions.choices}
        self.directions.choices += _choices((d.id, d.text) for d in visit.directions if d.id not in offered)
        offered_tasks = {choice.value for choice in self.placement_tasks.choices}
        self.placement_tasks.choices += _choices(
            (task, task) for task in visit.placement_tasks or () if task not in offered_tasks)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        start, end = self.start_date.data, self.end_date.data
        if start and end:
            for name, message in rules.date_errors(start, end).items():
                getattr(self, name).errors.append(message)
                valid = False
        if valid and start and start != self.saved_start and not self.confirm_date.data:
            self.date_doubts = rules.date_doubts(start, self.plan_years)
            valid = not self.date_doubts
        return valid

    def to_wire(self, visit_id: str) -> dict[str, Any]:
        """The visit as a device would push it: every content field, by its wire name."""
        base = self.base_version.data
        base_version = int(base) if base and base.isdigit() else None
        wire: dict[str, Any] = {"id": visit_id, "base_version": base_version}
        declared = VisitIn._declared_fields
        for name in CONTENT_FIELDS:
            value = self._fields[name].data
            if value is None and not declared[name].allow_none:
                continue  # empty: the schema's default applies (0 people, no text …)
            wire[name] = value.isoformat() if isinstance(value, date) else value
        return wire


class ClosingReportForm(Form):
    """A placement's closing report (the fields of PlacementReportIn), for browsers without
    JavaScript; with JavaScript the page saves it to the device's outbox and syncs."""

    id = HiddenField()
    base_version = HiddenField()
    text = TextAreaField(_l("Text of the report"), validators=[
        DataRequired(_l("Write the closing report.")), Length(max=rules.MAX_TEXT)])

    def to_wire(self, placement_id: int) -> dict[str, Any]:
        base = self.base_version.data or ""
        return {"id": self.id.data or str(uuid.uuid4()), "placement_id": placement_id,
                "base_version": int(base) if base.isdigit() else None, "text": self.text.data or ""}


def form_values(visit: Visit) -> SimpleNamespace:
    """A stored visit's values under the form's field names (to edit it)."""
    return SimpleNamespace(id=str(visit.id), base_version=str(visit.version),
                           **content_of(snapshot(visit)))


def refusal_message(status: str) -> str | None:
    """What the form says when the push rules refuse the whole visit."""
    if status == "conflict":
        return _("This visit was changed elsewhere since you opened it. "
                 "Reload it and make your change again.")
    if status == "locked":
        return _("This visit is approved and can no longer be changed.")
    return None
