"""Marshmallow validation whose messages reach the user in their language.

Marshmallow's own messages are English constants; they are listed here (marked with ``N_`` so
``python -m server.catalogs`` extracts them) and translated when errors leave the API. Our
validators translate their message before formatting it, so numbers stay in place.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from marshmallow import ValidationError, fields, validate

from server.i18n import N_

MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid UUID."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid boolean."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Invalid type."),
    N_("Not a valid utf-8 string."),
)


def translate_errors(errors: Any) -> Any:
    """Translate every message in a marshmallow error structure (dicts, lists, strings)."""
    if isinstance(errors, dict):
        return {str(key): translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(value) for value in errors]
    if isinstance(errors, str):
        return gettext(errors)
    return errors


class Length(validate.Length):
    """``validate.Length`` with translated messages (apispec still reads min/max from it)."""

    message_min = N_("At least {min} characters.")
    message_max = N_("At most {max} characters.")
    message_all = N_("Between {min} and {max} characters.")
    message_equal = N_("Exactly {equal} characters.")

    def _format_error(self, value: Any, message: str) -> str:
        return super()._format_error(value, gettext(message))


class ListLength(Length):
    message_max = N_("At most {max} items.")
    message_min = N_("At least {min} items.")
    message_all = N_("Between {min} and {max} items.")


class Range(validate.Range):
    """``validate.Range`` (inclusive bounds) with translated messages."""

    def __init__(self, min: Any = None, max: Any = None) -> None:
        super().__init__(min, max)
        self.message_min = N_("Must be at least {min}.")
        self.message_max = N_("Must be at most {max}.")
        self.message_all = N_("Must be between {min} and {max}.")

    def _format_error(self, value: Any, message: str) -> str:
        return super()._format_error(value, gettext(message))


class OneOf(validate.OneOf):
    default_message = N_("Must be one of: {choices}.")

    def _format_error(self, value: Any) -> str:
        return gettext(self.error).format(input=value, choices=self.choices_text, labels=self.labels_text)


#: the largest id an INTEGER column holds on both databases
MAX_ID = 2**31 - 1


class Text(fields.String):
    """A string the databases can store: no NUL characters, no lone surrogates. Line ends are
    stored as ``\n`` whatever sent them (browsers submit a textarea's lines with ``\r\n``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError(gettext("Contains characters that are not valid text.")) from error
        if "\x00" in text:
            raise ValidationError(gettext("Contains characters that are not valid text."))
        return text.replace("\r\n", "\n")


def id_field(**kwargs: Any) -> fields.Integer:
    """A database id: a strict integer from 1 to MAX_ID."""
    return fields.Integer(strict=True, validate=Range(1, MAX_ID), **kwargs)
