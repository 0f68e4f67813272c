"""The sync wire format: what a device sends (VisitIn) and gets back (VisitOut, results, pages).

These schemas validate requests and are the source of /api/v1/openapi.json, so the document and
the checks cannot drift apart. Messages are translated (see server.api.validation).
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validates_schema

from server.api.validation import Length, ListLength, OneOf, Range
from server.time import today
from server.visits.models import VisitForm, VisitStatus

FORMS = [form.value for form in VisitForm]
STATUSES = [status.value for status in VisitStatus]
RESULT_STATUSES = ["created", "updated", "unchanged", "conflict", "locked", "invalid"]
MAX_VISITS_PER_PUSH = 200
MAX_TEXT = 5000
MAX_TOPICS = 20
MAX_TRIP_DAYS = 31
MAX_PARTICIPANTS = 100_000
MAX_ID = 2**31 - 1  # an INTEGER column on both databases
EARLIEST = date(2000, 1, 1)


class Text(fields.String):
    """A string the databases can store: no NUL characters, no lone surrogates."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError(_("Contains characters that are not valid text.")) from error
        if "\x00" in text:
            raise ValidationError(_("Contains characters that are not valid text."))
        return text


def _id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=Range(1, MAX_ID), **kwargs)


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=Range(-90, 90))
    lon = fields.Float(required=True, validate=Range(-180, 180))
    accuracy_m = fields.Float(load_default=None, allow_none=True, validate=Range(0, 1_000_000))


class VisitIn(Schema):
    """One visit as a device sends it; ``base_version`` is the server version it was edited from."""

    id = fields.UUID(required=True, metadata={"description": "UUID made by the client"})
    base_version = _id(load_default=None, allow_none=True,
                       metadata={"description": "null for a new visit, else the version edited"})
    unit_id = _id(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    form = fields.String(required=True, validate=OneOf(FORMS))
    topics = fields.List(_id(), load_default=list, validate=ListLength(max=MAX_TOPICS))
    summary = Text(load_default="", validate=Length(max=MAX_TEXT))
    findings = Text(load_default="", validate=Length(max=MAX_TEXT))
    recommendations = Text(load_default="", validate=Length(max=MAX_TEXT))
    participants = fields.Integer(load_default=0, strict=True, validate=Range(0, MAX_PARTICIPANTS))
    placement_id = _id(load_default=None, allow_none=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    client_updated_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)

    @validates_schema
    def check_dates(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Real trips: not before 2000, not in the future (Vietnam time), end ≥ start, ≤ 31 days."""
        start, end = data["start_date"], data["end_date"]
        errors: dict[str, list[str]] = {}
        local_today = today()
        if start < EARLIEST:
            errors["start_date"] = [_("The date is too far in the past.")]
        elif start > local_today:
            errors["start_date"] = [_("The visit cannot start in the future.")]
        if end < start:
            errors["end_date"] = [_("The end date is before the start date.")]
        elif end > local_today:
            errors["end_date"] = [_("The visit cannot end in the future.")]
        elif (end - start).days + 1 > MAX_TRIP_DAYS:
            errors["end_date"] = [_("A visit lasts at most %(days)d days.", days=MAX_TRIP_DAYS)]
        if errors:
            raise ValidationError(errors)


class VisitOut(Schema):
    """A visit as the server has it (pull, GET /visits/<id>, the server copy in a conflict)."""

    id = fields.UUID(required=True)
    unit_id = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    form = fields.String(required=True, validate=OneOf(FORMS))
    topics = fields.List(fields.Integer(), required=True)
    summary = fields.String(required=True)
    findings = fields.String(required=True)
    recommendations = fields.String(required=True)
    participants = fields.Integer(required=True)
    placement_id = fields.Integer(required=True, allow_none=True)
    location = fields.Nested(LocationSchema, required=True, allow_none=True)
    client_updated_at = fields.AwareDateTime(required=True, allow_none=True)
    status = fields.String(required=True, validate=OneOf(STATUSES))
    version = fields.Integer(required=True, metadata={"description": "send it as base_version to edit"})
    review_comment = fields.String(required=True, allow_none=True)
    reviewed_at = fields.AwareDateTime(required=True, allow_none=True)
    received_at = fields.AwareDateTime(required=True)


class PushRequest(Schema):
    """The documented push body; items are validated one by one with VisitIn."""

    device_id = Text(required=True, validate=Length(1, 100))
    visits = fields.List(fields.Nested(VisitIn), required=True,
                         validate=ListLength(max=MAX_VISITS_PER_PUSH))


class PushEnvelope(PushRequest):
    """The push body as first read: the envelope only, each item left raw for its own check."""

    visits = fields.List(fields.Raw(), required=True)


class PushResultSchema(Schema):
    id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=OneOf(RESULT_STATUSES))
    version = fields.Integer(allow_none=True)
    errors = fields.Dict(metadata={"description": "field → messages (invalid only)"})
    server = fields.Nested(VisitOut, metadata={"description": "the server copy (conflict only)"})


class PushResponse(Schema):
    results = fields.List(fields.Nested(PushResultSchema), required=True)


class PullQuery(Schema):
    since = fields.Integer(load_default=0, validate=Range(0, 2**62),
                           metadata={"description": "the cursor of the previous page; 0 at first"})
    limit = fields.Integer(load_default=100, validate=Range(1, 500))


class PullResponse(Schema):
    visits = fields.List(fields.Nested(VisitOut), required=True)
    cursor = fields.Integer(required=True, metadata={"description": "pass as since for the next page"})
    more = fields.Boolean(required=True)


class BootstrapUser(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True)
    locale = fields.String(required=True)
    unit_id = fields.Integer(required=True)
    unit_name = fields.String(required=True)
    is_probationary = fields.Boolean(required=True)
    is_full_time = fields.Boolean(required=True)


class BootstrapUnit(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    code = fields.String(required=True, allow_none=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    assigned = fields.Boolean(required=True, metadata={"description": "the cadre is in charge of it"})


class BootstrapPlacement(Schema):
    id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_name = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    tasks = fields.List(fields.String(), required=True)
    mentor_name = fields.String(required=True, allow_none=True)


class BootstrapTopic(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class BootstrapForm(Schema):
    code = fields.String(required=True, validate=OneOf(FORMS))
    label = fields.String(required=True)


class BootstrapPlan(Schema):
    year = fields.Integer(required=True)
    minimum_days = fields.Integer(required=True, allow_none=True)


class BootstrapRules(Schema):
    """The visit's date and size rules, so the PWA checks what the server checks."""

    max_text = fields.Integer(required=True)
    max_topics = fields.Integer(required=True)
    max_trip_days = fields.Integer(required=True)
    max_participants = fields.Integer(required=True)
    earliest_date = fields.Date(required=True)
    report_due_days = fields.Integer(required=True)


class BootstrapResponse(Schema):
    user = fields.Nested(BootstrapUser, required=True)
    units = fields.List(fields.Nested(BootstrapUnit), required=True)
    placements = fields.List(fields.Nested(BootstrapPlacement), required=True)
    topics = fields.List(fields.Nested(BootstrapTopic), required=True)
    forms = fields.List(fields.Nested(BootstrapForm), required=True)
    plan = fields.Nested(BootstrapPlan, required=True)
    rules = fields.Nested(BootstrapRules, required=True)
    server_time = fields.AwareDateTime(required=True)
