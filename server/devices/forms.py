"""The form of "My devices": what to sign out, and the password typed again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from server.forms import Form


class OwnDevicesField(SelectMultipleField):
    """Ids ticked among the person's own (the choices); any other is refused with a plain message."""

    def pre_validate(self, form) -> None:
        known = {value for value, _label in self.choices or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError(_l("A device ticked is not yours, or it is signed out already. "
                                     "Reload the page."))


class DevicesForm(Form):
    """Tick devices (tokens) and browsers (web sessions) to sign out, or sign out all of them but
    this browser; either way with the password (a borrowed session must not lock the owner out)."""

    tokens = OwnDevicesField(coerce=int, validators=[Optional()])
    sessions = OwnDevicesField(coerce=int, validators=[Optional()])
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    selected = SubmitField(_l("Sign out the ones ticked"))
    everywhere = SubmitField(_l("Sign out all other devices and browsers"))

    def set_choices(self, token_ids: list[int], session_ids: list[int]) -> None:
        """Only the person's own, and never this browser's: anything else is not a valid choice."""
        self.tokens.choices = [(token_id, str(token_id)) for token_id in token_ids]
        self.sessions.choices = [(session_id, str(session_id)) for session_id in session_ids]
