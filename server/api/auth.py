"""Who is calling the API: a device token in ``Authorization: Bearer``, else the web session.

Bearer requests need no CSRF token (a browser never attaches the header by itself); requests
authenticated by the session cookie do, for every method that changes something.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import current_app, g, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect

from server.api.errors import ApiError, unauthorized
from server.auth.models import DeviceToken, User
from server.extensions import csrf
from server.tokens.services import find_usable_token, follow_web_session
from server.twofactor.services import needs_setup

F = TypeVar("F", bound=Callable)


def bearer_secret() -> str | None:
    """The token in the Authorization header, or None when the header is absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise unauthorized(_("Send the device token as: Authorization: Bearer <token>."))
    return secret.strip()


def check_csrf() -> None:
    """Refuse a state-changing request that rides on the session cookie without its CSRF token."""
    if request.method not in current_app.config.get("WTF_CSRF_METHODS", ("POST", "PUT", "PATCH", "DELETE")):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        csrf.protect()
    except CSRFError as error:
        raise ApiError(400, "csrf", _("The form has expired. Reload the page and try again.")) from error


def authenticate_request() -> User | None:
    """Set ``g.api_user`` (and ``g.api_token`` for bearer requests); None when nobody signed in."""
    secret = bearer_secret()
    if secret is not None:
        token: DeviceToken | None = find_usable_token(secret)
        if token is None:
            raise unauthorized(_("This device is no longer signed in. Please sign in again."))
        if needs_setup(token.user):  # e.g. made an admin since: nothing until two-factor is set up
            raise ApiError(403, "two_factor_setup_required",
                           _("Sign in on the website and set up two-factor sign-in first."))
        if inspect(token).attrs.last_used_at.history.has_changes():
            # at most once a minute (when its last use is written): the web session this browser
            # is signed in with, if it is the owner's, is the one whose sign-out ends the token
            follow_web_session(token, session.get("_user_id"))
        g.api_token = token
        g.api_user = token.user
        return token.user
    if current_user.is_authenticated:
        check_csrf()
        g.api_user = current_user._get_current_object()
        return g.api_user
    return None


def api_login_required(view: F) -> F:
    """Answer 401 in the API envelope unless a device token or web session signs the caller in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if authenticate_request() is None:
            raise unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def api_user() -> User:
    """The caller of an ``api_login_required`` view."""
    return g.api_user
