"""Sign-in and language forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from server.forms import Form
from server.i18n import LOCALES


class SignInForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class LanguageForm(Form):
    """The language buttons in the footer (their labels are each language's own name)."""

    lang = StringField(validators=[AnyOf(LOCALES)])
