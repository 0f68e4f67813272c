"""POST/GET /api/v1/tokens, DELETE /api/v1/tokens/<id>: a device's sign-in."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from marshmallow import ValidationError

from server.api.auth import api_login_required, api_user, authenticate_request, bearer_secret
from server.api.blueprint import api_blueprint
from server.api.body import read_json
from server.api.errors import ApiError, not_found, unauthorized
from server.api.openapi import document, json_body, responses
from server.api.validation import translate_errors
from server.auth import throttle
from server.auth.models import DeviceToken
from server.auth.services import authenticate, record_failed_sign_in
from server.extensions import db, limiter
from server.tokens import services
from server.tokens.schemas import IssuedToken, TokenList, TokenOut, TokenRequest

bp = api_blueprint("tokens", __name__)


def _dump(token: DeviceToken) -> dict:
    current = g.get("api_token")
    schema = TokenOut()
    return schema.dump({**{k: getattr(token, k) for k in schema.fields if k != "current"},
                        "current": current is not None and current.id == token.id})


def _issue_limit() -> str:
    """Requests per address, wrong or right: an office behind one proxy signs its phones in together."""
    return current_app.config.get("TOKEN_RATE_LIMIT", "60 per minute")


@bp.post("/tokens")
@limiter.limit(_issue_limit, key_func=get_remote_address)
@document(
    summary="Issue a device token (shown once): with a password, or from a signed-in web session "
            "with its CSRF token; never with another device token",
    security=[{}],
    requestBody={"required": True, "content": {"application/json": {"schema": TokenRequest}}},
    responses=responses({"201": json_body(IssuedToken, "Issued")}, 400, 401, 403, 413, 415, 429),
)
def issue():
    if bearer_secret() is not None:
        # a stolen device token must not outlive its revocation by minting others
        raise ApiError(403, "password_required",
                       _("A device token cannot issue another: sign in with your password."))
    body = read_json(limit=16 * 1024)
    try:
        data = TokenRequest().load(body)
    except ValidationError as error:
        raise ApiError(400, "invalid", _("Please correct the marked fields."),
                       translate_errors(error.messages)) from error
    if "username" in data or "password" in data:
        username = data.get("username", "")
        if throttle.sign_in_blocked(username):
            raise ApiError(429, "too_many_failures",
                           _("Too many wrong passwords. Please wait 15 minutes and try again."))
        user = authenticate(username, data.get("password", ""))
        if user is None:
            throttle.count_failure(username)
            # the 401 rolls the request back: the audit entry is committed on its own
            db.session.rollback()
            record_failed_sign_in(username, "api", request.remote_addr)
            db.session.commit()
            raise unauthorized(_("Wrong username or password."))
        if user.must_change_password:
            raise ApiError(403, "password_change_required",
                           _("Sign in on the website and change your temporary password first."))
        g.api_user = user
    else:
        user = authenticate_request()  # the web session, with its CSRF token (bearer refused above)
        if user is None:
            raise unauthorized()
    token, secret = services.issue_token(user, data["device_name"], current_app.config["DEVICE_TOKEN_DAYS"])
    return jsonify({**_dump(token), "token": secret}), 201


@bp.get("/tokens")
@api_login_required
@document(summary="List the caller's device tokens",
          responses=responses({"200": json_body(TokenList)}, 401, 429))
def index():
    tokens = services.list_tokens(api_user())
    body = {"tokens": [_dump(token) for token in tokens]}
    return jsonify(body)


@bp.delete("/tokens/current")
@document(summary="Revoke the device token this request carries (a device signing out). Only a "
                  "device token: a web session has no token of its own to revoke",
          responses=responses({"204": {"description": "Revoked"}}, 401, 429))
def revoke_current():
    # The session cookie is not enough here: "current" is the bearer token, and a session
    # request has none. A token already revoked or expired answers 401, which to the signing-out
    # device means the same thing as 204: that token no longer signs anyone in.
    if bearer_secret() is None:
        raise unauthorized(_("Send the device token as: Authorization: Bearer <token>."))
    user = authenticate_request()
    services.revoke_token(user, g.api_token.id)
    return "", 204


@bp.delete("/tokens/<int:token_id>")
@api_login_required
@document(summary="Revoke a device token (one's own; an admin: anyone's)",
          parameters=[{"in": "path", "name": "token_id", "required": True,
                       "schema": {"type": "integer", "minimum": 0}}],
          responses=responses({"204": {"description": "Revoked"}}, 400, 401, 404, 429))
def revoke(token_id: int):
    if services.revoke_token(api_user(), token_id) is None:
        raise not_found()
    return "", 204
