"""The base of every web form: Flask-WTF (CSRF) with WTForms' own messages in the reader's language.

WTForms ships no Vietnamese catalog, and Flask-WTF only looks in WTForms' own. ``Form`` looks its
messages up in our catalogs instead (through Flask-Babel); the messages are listed below so that
``python -m server.catalogs`` extracts them. Every form subclasses ``server.forms.Form``.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, ValidationError

from server.i18n import N_
from server.ids import to_id

WTFORMS_MESSAGES = (
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("This field is required."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Field cannot be longer than %(max)d characters."),
    N_("The CSRF token is missing."),
    N_("The CSRF token is invalid."),
    N_("The CSRF token has expired."),
)


def optional_int(value: Any) -> int | None:
    """Coerce a select of ids: the empty choice is None; a number that cannot be an id is refused
    (``ValueError``: "could not coerce", a 400) before any query can fail on it."""
    if value in (None, "", "None"):
        return None
    return to_id(value)


# C0 control characters but tab, line feed and carriage return: nobody types them, PostgreSQL
# refuses NUL in text (a 500 at commit), and a username with one is not the username.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form: Any, field: Any) -> None:
    """Refuse text with control characters, with a message on the field (the rest is kept)."""
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError(_l("This text contains invisible control characters. Remove them and "
                                 "send it again."))


class _CatalogTranslations:
    """WTForms' translations interface over the current request's Flask-Babel catalogs."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> _CatalogTranslations:
            return _CatalogTranslations()

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Every text field (StringField and its kind, text areas …) also refuses control
        characters. Not passwords: they are only hashed, and may hold anything."""
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                extra[name] = [*extra.get(name, ()), no_control_characters]
        return super().validate(extra)
