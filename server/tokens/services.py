"""Device tokens: issue, find, list and revoke (flush, never commit).

A token is 32 random bytes shown to the client once; the database keeps only its SHA-256, so a
copy of the database signs nobody in.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from server.audit.services import record
from server.auth.models import DeviceToken, Role, User
from server.auth.services import hash_secret
from server.db import utcnow
from server.extensions import db

MAX_ID = 2**31 - 1
#: last_used_at is written at most this often, so a busy client does not write on every request
TOUCH_INTERVAL = timedelta(minutes=5)


def issue_token(user: User, name: str, days: int, via: str | None = None,
                second_factor: str | None = None) -> tuple[DeviceToken, str]:
    """Create a token for ``user``'s device; return it and the secret (never stored).
    ``via`` (password or session) and ``second_factor`` (totp, recovery_code) go to the audit log."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    token = DeviceToken(user=user, name=name, token_hash=hash_secret(secret), created_at=now,
                        expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    how = {k: v for k, v in (("via", via), ("second_factor", second_factor)) if v}
    record("token_issue", "device_token", token.id, actor_id=user.id, name=name, **how)
    return token, secret


def find_usable_token(secret: str, now: datetime | None = None) -> DeviceToken | None:
    """The live token with this secret (not revoked, not expired, used within
    ``DEVICE_TOKEN_IDLE``, active user), or None."""
    now = now or utcnow()
    token = db.session.scalar(
        select(DeviceToken).options(joinedload(DeviceToken.user))
        .where(DeviceToken.token_hash == hash_secret(secret))
    )
    if token is None or not token.is_usable(now, current_app.config["DEVICE_TOKEN_IDLE"]):
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        token.last_used_at = now
    return token


def list_tokens(user: User) -> list[DeviceToken]:
    """The user's tokens that are not revoked, newest first (expired ones included, marked so)."""
    return list(db.session.scalars(
        select(DeviceToken)
        .where(DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None))
        .order_by(DeviceToken.created_at.desc(), DeviceToken.id.desc())
    ))


def revoke_token(actor: User, token_id: int) -> DeviceToken | None:
    """Revoke a token of the actor's own, or anyone's for an admin; None if not theirs to revoke."""
    if not 0 < token_id <= MAX_ID:  # PostgreSQL would refuse the comparison: not a 500, a 404
        return None
    token = db.session.get(DeviceToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role != Role.ADMIN):
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("token_revoke", "device_token", token.id, actor_id=actor.id, owner_id=token.user_id)
    return token
