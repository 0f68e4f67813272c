"""Failed authorisation in the audit log: a 403 or 404 answered to a signed-in person on a route
with an id in its address (``/review/<visit_id>``, ``/api/v1/photos/<photo_id>``…).

Someone guessing other units' ids gets nothing but 404s: without this, they left no trace. Each
entry names the person, the route and the id tried. The log itself is rate-limited per person
(``AUDIT_DENIALS_PER_MINUTE``, default 10 a minute) so that a scripted sweep of ids cannot flood it:
past that, the minute's further refusals are not written (the first ones already say enough).

One after-request hook, registered before ``server.transaction`` so that it runs after it: the
request's own changes are rolled back by then (an error answer), and the entry is committed alone.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from server.audit.models import AuditEntry
from server.audit.services import record
from server.db import utcnow
from server.extensions import db

ACTION = "access_denied"
DEFAULT_PER_MINUTE = 10


def _id_argument(view_args: dict) -> tuple[str, object] | None:
    """The first id in the route's address (``visit_id`` → ("visit", its value)), if any."""
    for name, value in view_args.items():
        if name == "id":
            return "record", value
        if name.endswith("_id"):
            return name.removesuffix("_id"), value
    return None


def _signed_in_user_id() -> int | None:
    """Who made the request: a device token's owner, else the web session's; None if nobody."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.id
    if "_user_id" not in session:  # no web session in the cookie: no database read
        return None
    return current_user.id if current_user.is_authenticated else None


def _recent(user_id: int) -> int:
    since = utcnow() - timedelta(minutes=1)
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.at >= since, AuditEntry.action == ACTION, AuditEntry.actor_id == user_id)) or 0


def record_denial(response: Response) -> Response:
    if response.status_code not in (403, 404) or request.url_rule is None or not request.view_args:
        return response
    tried = _id_argument(request.view_args)
    if tried is None:
        return response
    try:
        user_id = _signed_in_user_id()
        if user_id is None:
            return response
        if _recent(user_id) >= current_app.config.get("AUDIT_DENIALS_PER_MINUTE", DEFAULT_PER_MINUTE):
            db.session.rollback()
            return response
        kind, value = tried
        record(ACTION, kind, value, actor_id=user_id, status=response.status_code, method=request.method,
               endpoint=request.endpoint, path=request.path[:300],
               via="api" if g.get("api_token") is not None else "web")
        db.session.commit()
    except SQLAlchemyError:  # the answer stands whatever the log's trouble
        db.session.rollback()
        current_app.logger.exception("could not audit a refusal on %s %s", request.method, request.path)
    return response


def init_app(app: Flask) -> None:
    app.after_request(record_denial)
