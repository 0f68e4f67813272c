"""The code step of sign-in, set-up, new recovery codes, turning two-factor sign-in off."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from server.forms import Form


def _code_field(label, numeric: bool = False) -> StringField:
    attrs = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
    if numeric:  # a recovery code has letters: only a TOTP-only field gets the phone's digit pad
        attrs |= {"inputmode": "numeric", "pattern": "[0-9 ]*"}
    return StringField(label, validators=[DataRequired(), Length(max=40)], render_kw=attrs)


class CodeForm(Form):
    """A TOTP code from the app, or one of the recovery codes."""

    code = _code_field(_l("Code from your authenticator app, or a recovery code"))


class SetupForm(Form):
    code = _code_field(_l("The 6-digit code the app shows now"), numeric=True)


class DisableForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    code = _code_field(_l("Code from your authenticator app, or a recovery code"))
