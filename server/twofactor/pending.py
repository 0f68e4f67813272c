"""The half-signed-in state between the password and the code, kept in the signed session cookie.

It names the user, when the password was right and where to go next; it ends after
``TWO_FACTOR_PENDING`` (5 minutes), at the next sign-in attempt and once the code is right. It
signs nobody in: every page but the code page treats the browser as anonymous.
"""

from __future__ import annotations

import time

from flask import current_app, session

from server.auth.models import User
from server.extensions import db

_KEY = "two_factor_pending"


def begin(user: User, next_target: str | None) -> None:
    session[_KEY] = {"user": user.id, "since": time.time(), "next": next_target or ""}


def clear() -> None:
    session.pop(_KEY, None)


def exists() -> bool:
    return _KEY in session


def _expired(since: float) -> bool:
    return time.time() - since > current_app.config["TWO_FACTOR_PENDING"].total_seconds()


def user() -> User | None:
    """The user whose password was right a moment ago, or None (nothing pending, or too late)."""
    state = session.get(_KEY)
    if not isinstance(state, dict):
        return None
    try:
        since, user_id = float(state["since"]), int(state["user"])
    except (KeyError, TypeError, ValueError):
        return None
    if _expired(since):
        return None
    person = db.session.get(User, user_id)
    if person is None or not person.active or not person.has_two_factor:
        return None
    return person


def next_target() -> str | None:
    state = session.get(_KEY)
    return state.get("next") or None if isinstance(state, dict) else None
