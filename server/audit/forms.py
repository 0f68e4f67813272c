"""The audit log's filter (GET, in the URL)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from server.audit.queries import AuditFilter
from server.audit.wording import action_label
from server.forms import Form, optional_int


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = SelectField(_l("Who"), coerce=optional_int, validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def set_choices(self, actors: list[tuple[int, str]], actions: list[str]) -> None:
        self.actor.choices = [SelectChoice("", _l("Anyone"))] + [SelectChoice(i, n) for i, n in actors]
        # the codes' names, not the codes: the same words as the log's sentences
        self.action.choices = [SelectChoice("", _l("Any"))] + [
            SelectChoice(a, action_label(a)) for a in actions]

    def to_filter(self) -> AuditFilter:
        def ok(field: Any) -> Any:
            return None if field.errors else field.data

        return AuditFilter(ok(self.actor), ok(self.action) or None, ok(self.date_from), ok(self.date_to))
