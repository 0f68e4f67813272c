"""Sign-in and language forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, ValidationError

from server.auth.passwords import MAX_LENGTH, password_problem
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


class ChangePasswordForm(Form):
    """A user changes their own password; the current one proves it is them."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"),
                        validators=[DataRequired(), Length(max=MAX_LENGTH)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new", _l("The two new passwords differ."))],
                            render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, username: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._username = username

    def validate_new(self, field) -> None:
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("Choose a password different from the current one."))
        problem = password_problem(field.data or "", self._username)
        if problem:
            raise ValidationError(problem)
