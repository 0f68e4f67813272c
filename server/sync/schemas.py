"""The sync API's envelopes: push bodies and results, pull pages, the bootstrap.

A visit's own wire format (VisitIn, VisitOut) lives with the visit, in server/visits/wire.py.

These schemas validate requests and are the source of /api/v1/openapi.json, so the document and
the checks cannot drift apart. Messages are translated (see server.api.validation).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from server.api.validation import Length, ListLength, OneOf, Range, Text
from server.hearings.wire import AccountIn, AccountOut, DirectionDoneIn, DirectionOut
from server.planning.wire import PlacementReportIn, PlacementReportOut
from server.regime.wire import StandingOut
from server.visits.push import RESULT_STATUSES
from server.visits.wire import FORMS, VisitIn, VisitOut

MAX_VISITS_PER_PUSH = 200
#: monthly accounts and "direction done" items, each, in one push
MAX_HEARING_ITEMS_PER_PUSH = 100
#: placements' closing reports in one push
MAX_PLACEMENT_REPORTS_PER_PUSH = 100


class PushRequest(Schema):
    """The documented push body; items are validated one by one (VisitIn, AccountIn, DirectionDoneIn,
    PlacementReportIn)."""

    device_id = Text(required=True, validate=Length(1, 100))
    visits = fields.List(fields.Nested(VisitIn), required=True,
                         validate=ListLength(max=MAX_VISITS_PER_PUSH))
    accounts = fields.List(fields.Nested(AccountIn), load_default=list,
                           validate=ListLength(max=MAX_HEARING_ITEMS_PER_PUSH),
                           metadata={"description": "the cadre's monthly accounts (optional)"})
    directions_done = fields.List(fields.Nested(DirectionDoneIn), load_default=list,
                                  validate=ListLength(max=MAX_HEARING_ITEMS_PER_PUSH),
                                  metadata={"description": "hearing directions marked done (optional)"})
    placement_reports = fields.List(fields.Nested(PlacementReportIn), load_default=list,
                                    validate=ListLength(max=MAX_PLACEMENT_REPORTS_PER_PUSH),
                                    metadata={"description": "closing reports of the caller's "
                                                             "placements (optional)"})


class PushEnvelope(PushRequest):
    """The push body as first read: the envelope only, each item left raw for its own check."""

    visits = fields.List(fields.Raw(), required=True)
    accounts = fields.List(fields.Raw(), load_default=list,
                           validate=ListLength(max=MAX_HEARING_ITEMS_PER_PUSH))
    directions_done = fields.List(fields.Raw(), load_default=list,
                                  validate=ListLength(max=MAX_HEARING_ITEMS_PER_PUSH))
    placement_reports = fields.List(fields.Raw(), load_default=list,
                                    validate=ListLength(max=MAX_PLACEMENT_REPORTS_PER_PUSH))


class PushResultSchema(Schema):
    id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=OneOf(RESULT_STATUSES))
    version = fields.Integer(allow_none=True)
    errors = fields.Dict(metadata={"description": "field → messages (invalid only)"})
    server = fields.Nested(VisitOut, metadata={"description": "the server copy (conflict only)"})


class AccountResultSchema(PushResultSchema):
    server = fields.Nested(AccountOut, metadata={"description": "the server copy (conflict only)"})


class DirectionDoneResultSchema(PushResultSchema):
    server = fields.Nested(DirectionOut, metadata={"description": "the server copy (conflict only)"})


class PlacementReportResultSchema(PushResultSchema):
    server = fields.Nested(PlacementReportOut, metadata={"description": "the server copy (conflict only)"})


class PushResponse(Schema):
    results = fields.List(fields.Nested(PushResultSchema), required=True,
                          metadata={"description": "one per visit, in order"})
    accounts = fields.List(fields.Nested(AccountResultSchema), required=True,
                           metadata={"description": "one per account, in order"})
    directions_done = fields.List(fields.Nested(DirectionDoneResultSchema), required=True,
                                  metadata={"description": "one per direction done, in order"})
    placement_reports = fields.List(fields.Nested(PlacementReportResultSchema), required=True,
                                    metadata={"description": "one per closing report, in order"})


class PullQuery(Schema):
    since = fields.Integer(load_default=0, validate=Range(0, 2**62),
                           metadata={"description": "the cursor of the previous page; 0 at first"})
    limit = fields.Integer(load_default=100, validate=Range(1, 500))
    directions_since = fields.Integer(load_default=0, validate=Range(0, 2**62),
                                      metadata={"description": "the directions_cursor of the previous page"})


class PullResponse(Schema):
    visits = fields.List(fields.Nested(VisitOut), required=True)
    cursor = fields.Integer(required=True, metadata={"description": "pass as since for the next page"})
    more = fields.Boolean(required=True)
    directions = fields.List(fields.Nested(DirectionOut), required=True,
                             metadata={"description": "the caller's hearing directions changed after "
                                                      "directions_since (open and done)"})
    directions_cursor = fields.Integer(required=True,
                                       metadata={"description": "pass as directions_since next time"})
    directions_more = fields.Boolean(required=True)
    standing = fields.Nested(StandingOut, required=True,
                             metadata={"description": "the caller's year by the regime's rules, after "
                                                      "the changes"})


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
    closing_report = fields.Nested(PlacementReportOut, required=True, allow_none=True,
                                   metadata={"description": "the closing report as the server has it "
                                                            "(null: not written yet)"})
    closing_report_from = fields.Date(required=True, metadata={
        "description": "the first day the closing report may be written (the placement's first)"})
    closing_report_until = fields.Date(required=True, metadata={
        "description": "the last day it may be written or changed (then a push answers locked)"})


class BootstrapTopic(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class BootstrapForm(Schema):
    code = fields.String(required=True, validate=OneOf(FORMS))
    label = fields.String(required=True)


class BootstrapRules(Schema):
    """The limits a visit must respect (server/visits/rules.py): the phone checks the same."""

    max_text = fields.Integer(required=True)
    max_topics = fields.Integer(required=True)
    max_trip_days = fields.Integer(required=True)
    max_participants = fields.Integer(required=True)
    earliest_date = fields.Date(required=True)
    report_due_days = fields.Integer(required=True)
    max_directions = fields.Integer(required=True)
    max_placement_tasks = fields.Integer(required=True)
    max_photo_bytes = fields.Integer(required=True, metadata={"description": "a photo's size at most"})
    max_photos_per_visit = fields.Integer(required=True)
    max_photo_caption = fields.Integer(required=True)
    confirm_older_than_days = fields.Integer(
        required=True, metadata={"description": "a visit that started longer ago asks to confirm its date"})


class BootstrapResponse(Schema):
    user = fields.Nested(BootstrapUser, required=True)
    units = fields.List(fields.Nested(BootstrapUnit), required=True)
    placements = fields.List(fields.Nested(BootstrapPlacement), required=True)
    topics = fields.List(fields.Nested(BootstrapTopic), required=True)
    forms = fields.List(fields.Nested(BootstrapForm), required=True)
    standing = fields.Nested(StandingOut, required=True,
                             metadata={"description": "the caller's year by the regime's rules"})
    rules = fields.Nested(BootstrapRules, required=True)
    directions = fields.List(fields.Nested(DirectionOut), required=True,
                             metadata={"description": "the caller's open hearing directions"})
    accounts = fields.List(fields.Nested(AccountOut), required=True,
                           metadata={"description": "the caller's accounts since January of last year"})
    plan_years = fields.List(fields.Integer(), required=True,
                             metadata={"description": "years with a plan (others ask to confirm)"})
    server_time = fields.AwareDateTime(required=True)
