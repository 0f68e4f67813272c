"""POST/GET /api/v1/tokens, DELETE /api/v1/tokens/<id>: a device's sign-in."""

from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from marshmallow import ValidationError

from server.api.auth import api_login_required, api_user, authenticate_request, bearer_secret
from server.api.blueprint import api_blueprint, rate_limit_key
from server.api.body import read_json
from server.api.errors import ApiError, not_found, unauthorized
from server.api.openapi import document, json_body, responses
from server.api.validation import translate_errors
from server.auth import throttle
from server.auth.models import DeviceToken, User
from server.auth.services import authenticate, record_failed_sign_in
from server.extensions import db, limiter
from server.tokens import services
from server.tokens.schemas import IssuedToken, TokenList, TokenOut, TokenRequest
from server.twofactor import services as twofactor

bp = api_blueprint("tokens", __name__)


def _dump(token: DeviceToken) -> dict:
    current = g.get("api_token")
    schema = TokenOut()
    return schema.dump({**{k: getattr(token, k) for k in schema.fields if k != "current"},
                        "current": current is not None and current.id == token.id})


def _api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "600 per minute")


def _issue_limit() -> str:
    """Requests per address, wrong or right: an office behind one proxy signs its phones in together."""
    return current_app.config.get("TOKEN_RATE_LIMIT", "60 per minute")


@bp.post("/tokens")
@limiter.limit(_issue_limit, key_func=get_remote_address)
@document(
    summary="Issue a device token (shown once): with a password (and `otp` when the account has "
            "two-factor sign-in: 401 `otp_required` without it), or from a signed-in web session "
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
        attempt = throttle.password_attempt(username)  # counted before the check
        if attempt.refused:
            _audit_refusal(username, "sign_in_blocked")
            raise ApiError(429, "too_many_failures",
                           _("Too many wrong passwords. Please wait 15 minutes and try again."))
        user = authenticate(username, data.get("password", ""))
        if user is None:
            _audit_refusal(username, "sign_in_failed")
            raise unauthorized(_("Wrong username or password."))
        attempt.give_back()
        second_factor = _check_second_factor(user, data.get("otp"))
        if user.must_change_password:
            raise ApiError(403, "password_change_required",
                           _("Sign in on the website and change your temporary password first."))
        if twofactor.needs_setup(user):
            raise ApiError(403, "two_factor_setup_required",
                           _("Sign in on the website and set up two-factor sign-in first."))
        g.api_user = user
        via, web_session_id = "password", None
    else:
        second_factor = None
        user = authenticate_request()  # the web session, with its CSRF token (bearer refused above)
        if user is None:
            raise unauthorized()
        # a web session exists only once every factor was checked; its sign-out ends the token
        via, web_session_id = "session", user.web_session_id
    token, secret = services.issue_token(user, data["device_name"], current_app.config["DEVICE_TOKEN_DAYS"],
                                         via=via, second_factor=second_factor, web_session_id=web_session_id,
                                         user_agent=request.headers.get("User-Agent"))
    return jsonify({**_dump(token), "token": secret}), 201


def _audit_refusal(username: str, action: str) -> None:
    """Audit a refused step; the error answer rolls the request back, so this commits on its own."""
    db.session.rollback()
    record_failed_sign_in(username, "api", request.remote_addr, action)
    db.session.commit()


def _check_second_factor(user: User, code: str | None) -> str | None:
    """For a user with two-factor sign-in, the password alone is not enough: ``otp`` must hold a
    fresh TOTP code or an unused recovery code. Returns how it was passed (None: not needed)."""
    if not user.has_two_factor:
        return None
    if not code:
        raise ApiError(401, "otp_required", _("Two-factor sign-in is on: send the code from your "
                                              "authenticator app (or a recovery code) as otp."))
    attempt = throttle.code_attempt(user.username)  # counted before the check
    if attempt.refused:
        _audit_refusal(user.username, "two_factor_blocked")
        raise ApiError(429, "too_many_failures", _("Too many wrong codes. Please try again later."))
    method = twofactor.verify(user, code)
    if method is None:
        _audit_refusal(user.username, "two_factor_failed")
        raise ApiError(401, "otp_invalid", _("This code is wrong or has been used already."))
    attempt.give_back()
    return method


@bp.get("/tokens")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="List the caller's device tokens",
          responses=responses({"200": json_body(TokenList)}, 401, 429))
def index():
    tokens = services.list_tokens(api_user())
    body = {"tokens": [_dump(token) for token in tokens]}
    return jsonify(body)


@bp.delete("/tokens/current")
@limiter.limit(_api_limit, key_func=rate_limit_key)
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


@bp.delete("/tokens/<id:token_id>")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="Revoke a device token (one's own; an admin: anyone's)",
          parameters=[{"in": "path", "name": "token_id", "required": True,
                       "schema": {"type": "integer", "minimum": 0}}],
          responses=responses({"204": {"description": "Revoked"}}, 400, 401, 404, 429))
def revoke(token_id: int):
    if services.revoke_token(api_user(), token_id) is None:
        raise not_found()
    return "", 204
