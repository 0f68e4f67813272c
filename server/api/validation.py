"""Marshmallow validation whose messages reach the user in their language.

Marshmallow's own messages are English constants; they are listed here (marked with ``N_`` so
``python -m server.catalogs`` extracts them) and translated when errors leave the API. Our
validators translate their message before formatting it, so numbers stay in place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext
from marshmallow import ValidationError, fields, validate

from server.i18n import N_
from server.ids import MAX_ID

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




class Utf8String(fields.String):
    """A string that is Unicode text. JSON may spell a lone surrogate (``"\\ud800"``), which no
    encoder, hash or database takes: such a value is invalid, not a crash."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError(gettext("Contains characters that are not valid text.")) from error
        return text


#: the OpenAPI pattern of a Text: any characters but NUL (lone surrogates cannot be stated)
NO_NUL = "^[^\\x00]*$"
#: the same, with at least one character that is not a space (a text that must say something)
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


class Text(Utf8String):
    """A string the databases can store: no NUL characters, no lone surrogates. Line ends are
    stored as ``\n`` whatever sent them (browsers submit a textarea's lines with ``\r\n``).
    The OpenAPI document states the NUL rule as a pattern, so generated clients and fuzzers know."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["metadata"] = {"pattern": NO_NUL, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError(gettext("Contains characters that are not valid text."))
        return text.replace("\r\n", "\n")


#: client timestamps are kept between these (UTC): any time zone can still show them, so a
#: database session in Asia/Ho_Chi_Minh (or +14:00) reads them back without leaving years 1-9999
EARLIEST_TIMESTAMP = datetime(1, 1, 2, tzinfo=UTC)
LATEST_TIMESTAMP = datetime(9999, 12, 30, tzinfo=UTC)


class UtcDateTime(fields.AwareDateTime):
    """A device's timestamp with its offset, loaded in UTC (naive ones are taken as UTC).

    Years 1 and 9999 with a far offset have no UTC form in Python (``9999-12-31T23:00-12:00``):
    such a value, or one outside ``EARLIEST_TIMESTAMP``..``LATEST_TIMESTAMP``, is invalid rather
    than a crash of the whole push. A real phone clock is never near either end."""

    BOUNDS = "between 0001-01-02 and 9999-12-30 UTC"

    def __init__(self, **kwargs: Any) -> None:
        metadata = dict(kwargs.pop("metadata", {}))
        metadata["description"] = "; ".join(filter(None, [metadata.get("description"), self.BOUNDS]))
        super().__init__(default_timezone=UTC, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError as error:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from error
        if not EARLIEST_TIMESTAMP <= moment <= LATEST_TIMESTAMP:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return moment


def id_field(**kwargs: Any) -> fields.Integer:
    """A database id: a strict integer from 1 to MAX_ID."""
    return fields.Integer(strict=True, validate=Range(1, MAX_ID), **kwargs)
