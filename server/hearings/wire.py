"""The wire format of the hearing's two offline writes (the cadre's monthly account, a
direction marked done) and of a direction as the phone receives it. They travel in the visits'
push envelope (``accounts``, ``directions_done``) with the same result kinds."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validates

from server.api.validation import Length, OneOf, Text, UtcDateTime, id_field
from server.hearings.models import Direction, DirectionState, MonthlyAccount
from server.time import today
from server.visits import rules

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
STATES = [state.value for state in DirectionState]


#: the document's pattern of a month: any year from 0001, a month from 01 to 12
MONTH_PATTERN = "^([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)-(0[1-9]|1[0-2])$"


class MonthField(fields.String):
    """A month as ``YYYY-MM``, loaded as its first day (the document states the form as a pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["metadata"] = {"pattern": MONTH_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = MONTH.match(text)
        try:
            first = date(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            first = None
        if first is None:
            raise ValidationError(_("Enter a month as YYYY-MM."))
        return first

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.strftime("%Y-%m")


class AccountContent(Schema):
    """What the cadre writes about a month: the declaration the other lists derive from."""

    month = MonthField(required=True, metadata={"description": "YYYY-MM"})
    went_well = Text(load_default="", validate=Length(max=rules.MAX_TEXT))
    difficulties = Text(load_default="", validate=Length(max=rules.MAX_TEXT))
    proposals = Text(load_default="", validate=Length(max=rules.MAX_TEXT))


ACCOUNT_FIELDS: tuple[str, ...] = tuple(AccountContent._declared_fields)


class AccountIn(AccountContent):
    id = fields.UUID(required=True, metadata={"description": "UUID made by the client"})
    base_version = id_field(load_default=None, allow_none=True,
                            metadata={"description": "null for a new account, else the version edited"})
    client_updated_at = UtcDateTime(load_default=None, allow_none=True)

    @validates("month")
    def check_month(self, value: date, **kwargs: Any) -> None:
        if value < rules.EARLIEST or value > today():
            raise ValidationError(_("The month cannot be in the future."))


class AccountOut(AccountContent):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    received_at = fields.AwareDateTime(required=True)


class DirectionDoneIn(Schema):
    """The cadre saying a direction is carried out, with a note (offline, retried safely)."""

    id = fields.UUID(required=True, metadata={"description": "UUID made by the client for this 'done'"})
    direction_id = id_field(required=True)
    base_version = id_field(required=True, metadata={"description": "the direction version seen"})
    note = Text(load_default="", validate=Length(max=rules.MAX_TEXT))
    done_at = UtcDateTime(load_default=None, allow_none=True,
                          metadata={"description": "when the cadre marked it (device clock)"})


class DirectionOut(Schema):
    """A direction as the phone keeps it."""

    id = fields.Integer(required=True)
    hearing_id = fields.Integer(required=True)
    hearing_month = MonthField(required=True)
    text = fields.String(required=True)
    unit_id = fields.Integer(required=True, allow_none=True)
    unit_name = fields.String(required=True, allow_none=True)
    topic_id = fields.Integer(required=True, allow_none=True)
    topic_name = fields.String(required=True, allow_none=True, metadata={
        "description": "the topic's name in the user's language (a retired topic is not in bootstrap)"})
    due_date = fields.Date(required=True)
    state = fields.String(required=True, validate=OneOf(STATES))
    done_note = fields.String(required=True, allow_none=True)
    done_at = fields.AwareDateTime(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "send it as base_version"})


_DIRECTION_OUT = DirectionOut()
_ACCOUNT_OUT = AccountOut()


def direction_wire(direction: Direction, locale: str = "vi") -> dict[str, Any]:
    """A direction as the phone keeps it, names in ``locale`` (the user's language)."""
    return _DIRECTION_OUT.dump({
        "id": direction.id, "hearing_id": direction.hearing_id, "hearing_month": direction.hearing.month,
        "text": direction.text, "unit_id": direction.unit_id,
        "unit_name": direction.unit.name if direction.unit else None, "topic_id": direction.topic_id,
        "topic_name": direction.topic.name(locale) if direction.topic else None,
        "due_date": direction.due_date, "state": direction.state, "done_note": direction.done_note,
        "done_at": direction.done_at, "version": direction.version,
    })


def account_wire(account: MonthlyAccount) -> dict[str, Any]:
    return _ACCOUNT_OUT.dump(account)
