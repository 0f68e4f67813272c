"""/api/v1 sync routes: bootstrap, push, pull, one visit. Thin: parse → service → commit → dump."""

from __future__ import annotations

import hashlib
import json
import uuid

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.api.auth import api_login_required, api_user
from server.api.blueprint import api_blueprint, rate_limit_key
from server.api.body import MIB, read_json
from server.api.errors import ApiError, not_found
from server.api.openapi import document, json_body, responses
from server.api.validation import translate_errors
from server.db import utcnow
from server.extensions import limiter
from server.hearings import push as hearing_push
from server.photos.services import briefs_for
from server.planning.closing import push_placement_reports
from server.sync import services
from server.sync.schemas import (
    MAX_VISITS_PER_PUSH,
    BootstrapResponse,
    PullQuery,
    PullResponse,
    PushEnvelope,
    PushRequest,
    PushResponse,
)
from server.visits import push as visit_push
from server.visits.services import own_visit
from server.visits.store import ConcurrentChange, snapshot
from server.visits.wire import VisitOut, to_wire

bp = api_blueprint("sync", __name__)
_ETAG = {"ETag": {"description": "send it back in If-None-Match", "schema": {"type": "string"}}}


def _push_limit() -> str:
    return current_app.config.get("API_PUSH_RATE_LIMIT", "120 per minute")


def _api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "600 per minute")


@bp.get("/bootstrap")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="Everything a device needs offline (ETag; 304 when unchanged)",
          responses=responses({"200": {**json_body(BootstrapResponse), "headers": _ETAG},
                               "304": {"description": "Not modified (If-None-Match held the ETag)",
                                       "headers": _ETAG}}, 401, 429))
def bootstrap():
    body = services.bootstrap(api_user())
    # The ETag covers the data, not the clock: an unchanged bootstrap answers 304.
    etag = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = jsonify({**body, "server_time": utcnow().isoformat()})
    response.set_etag(etag)
    # no-store: it holds the caller's data; the app keeps the ETag itself and sends If-None-Match
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sync/push")
@limiter.limit(_push_limit, key_func=rate_limit_key)
@api_login_required
@document(
    summary="Push visits, monthly accounts, directions done and placements' closing reports; "
            "one result per item, in order",
    description="The envelope (device_id and the four arrays) is checked first: a bad one answers "
                "400, more than 200 visits 413. Then each item is checked and applied on its own: an "
                "item that does not match its schema (or refers to something not the caller's) "
                "answers `invalid` in its place, with `errors`, and the rest of the batch goes on.",
    requestBody={"required": True, "content": {"application/json": {"schema": PushRequest}}},
    responses=responses({"200": json_body(PushResponse)}, 400, 401, 413, 415, 429, 503),
)
def push():
    body = read_json(limit=MIB)
    if isinstance(body, dict) and isinstance(body.get("visits"), list) \
            and len(body["visits"]) > MAX_VISITS_PER_PUSH:
        raise ApiError(413, "too_many_visits",
                       _("Send at most %(count)d visits at a time.", count=MAX_VISITS_PER_PUSH))
    try:
        envelope = PushEnvelope().load(body)
    except ValidationError as error:
        raise ApiError(400, "bad_envelope", _("The request could not be understood."),
                       translate_errors(error.messages)) from error
    user = api_user()
    try:
        results = visit_push.push_visits(user, envelope["device_id"], envelope["visits"])
    except ConcurrentChange as error:
        raise ApiError(503, "busy", _("The server is busy. Please try again.")) from error
    # after the visits: a visit of this batch may carry a direction this batch marks done
    accounts = hearing_push.push_accounts(user, envelope["device_id"], envelope["accounts"])
    done = hearing_push.push_directions_done(user, envelope["directions_done"])
    reports = push_placement_reports(user, envelope["device_id"], envelope["placement_reports"])
    return jsonify({"results": [result.to_wire() for result in results],
                    "accounts": [result.to_wire() for result in accounts],
                    "directions_done": [result.to_wire() for result in done],
                    "placement_reports": [result.to_wire() for result in reports]})


@bp.get("/sync/pull")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="Changes to the caller's visits and hearing directions after their cursors",
          parameters=[{"in": "query", "schema": PullQuery}],
          responses=responses({"200": json_body(PullResponse)}, 400, 401, 429))
def pull():
    try:
        query = PullQuery().load(request.args.to_dict())
    except ValidationError as error:
        raise ApiError(400, "bad_query", _("The request could not be understood."),
                       translate_errors(error.messages)) from error
    page = services.pull_changes(api_user(), query["since"], query["limit"], query["directions_since"])
    return jsonify({"visits": page.visits, "cursor": page.cursor, "more": page.more,
                    "directions": page.directions, "directions_cursor": page.directions_cursor,
                    "directions_more": page.directions_more, "standing": page.standing})


@bp.get("/visits/<visit_id>")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="One of the caller's own visits",
          parameters=[{"in": "path", "name": "visit_id", "required": True,
                       "schema": {"type": "string", "format": "uuid"}}],
          responses=responses({"200": json_body(VisitOut)}, 401, 404, 429))
def visit(visit_id: str):
    try:
        key = uuid.UUID(visit_id)
    except ValueError as error:
        raise not_found() from error
    found = own_visit(api_user(), key)
    if found is None:
        raise not_found()
    body = {**to_wire(snapshot(found)), "photos": briefs_for([found.id])[found.id]}
    return jsonify(body)
