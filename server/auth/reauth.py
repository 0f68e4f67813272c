"""Typing one's password again while signed in (to change it, to sign devices out).

A signed-in session must not be a password oracle: the try is counted in the sign-in windows before
the password is checked (server/auth/throttle.py), shared with the sign-in form and the API, refused
unchecked past them, and audited either way (``reauth_failed``, ``reauth_blocked``, with what it was
for). The audit entry is committed at once: the error answer that follows rolls the request back.
"""

from __future__ import annotations

from enum import StrEnum

from flask import request

from server.audit.services import record
from server.auth import throttle
from server.auth.models import User
from server.extensions import db


class Outcome(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    #: too many wrong passwords for this account from this address (or at all): not checked
    BLOCKED = "blocked"


def check_password(user: User, password: str, purpose: str) -> Outcome:
    """Check ``user``'s password typed again for ``purpose`` (``change_password``,
    ``sign_out_devices``): counted first, given back when right, audited when not."""
    attempt = throttle.password_attempt(user.username)
    if attempt.refused:
        _audit(user, "reauth_blocked", purpose)
        return Outcome.BLOCKED
    if user.check_password(password):
        attempt.give_back()
        return Outcome.RIGHT
    _audit(user, "reauth_failed", purpose)
    return Outcome.WRONG


def _audit(user: User, action: str, purpose: str) -> None:
    user_id = user.id
    db.session.rollback()
    record(action, "user", user_id, actor_id=user_id, purpose=purpose, address=request.remote_addr, via="web")
    db.session.commit()
