"""The end of a sign-in, shared by the password step and the two-factor code step."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, g, redirect, request, session, url_for
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from server.auth import services
from server.auth.models import User


def safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


def fresh_session() -> None:
    """Empty the session (nothing from before a sign-in step carries over) but keep the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def complete_sign_in(user: User, next_target: str | None, second_factor: str | None = None) -> Response:
    """Open the web session of ``user`` (every factor checked) and go on to ``next_target``."""
    fresh_session()
    services.start_web_session(user, current_app.permanent_session_lifetime, second_factor,
                               request.headers.get("User-Agent"))
    session.permanent = True
    login_user(user)
    renew_csrf()
    return redirect(safe_next(next_target))


def renew_csrf() -> None:
    """Put a new CSRF secret into the session just emptied, in this answer's cookie.

    Otherwise the next page and the service worker's fetches each make one at once, the last
    cookie wins, and the first form sent from the other page is refused (400). The token this
    request already made belongs to the cleared session: forget it first.
    """
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
