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
from server.auth.models import DeviceToken, Role, User, WebSession
from server.auth.services import hash_secret, short_user_agent
from server.db import utcnow
from server.extensions import db

MAX_ID = 2**31 - 1
#: last_used_at is written at most this often, so a busy client does not write on every request
#: (and "My devices" says when a device last synced to the minute)
TOUCH_INTERVAL = timedelta(minutes=1)


def issue_token(user: User, name: str, days: int, via: str | None = None,
                second_factor: str | None = None, web_session_id: int | None = None,
                user_agent: str | None = None) -> tuple[DeviceToken, str]:
    """Create a token for ``user``'s device; return it and the secret (never stored).
    ``via`` (password or session) and ``second_factor`` (totp, recovery_code) go to the audit log;
    ``web_session_id``: the web session issuing it, whose sign-out revokes it."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    token = DeviceToken(user=user, name=name, token_hash=hash_secret(secret), created_at=now,
                        expires_at=now + timedelta(days=days), web_session_id=web_session_id,
                        user_agent=short_user_agent(user_agent))
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


def follow_web_session(token: DeviceToken, session_key: str | None, now: datetime | None = None) -> None:
    """Tie ``token`` to its owner's live web session whose key the request's cookie also carries.

    A token outlives the session that issued it when that session ends unused (the phone was offline
    for days) and the person signs in again: signing that new session out must end the token too,
    even when the page's script does not run. Only the owner's own live session is taken, and the
    session is not touched (bearer traffic must not keep an unused web session alive)."""
    if not session_key:
        return
    now = now or utcnow()
    web_session = db.session.scalar(select(WebSession).where(
        WebSession.key_hash == hash_secret(session_key), WebSession.user_id == token.user_id))
    if web_session is None or not web_session.is_live(now, current_app.config["SESSION_IDLE"]):
        return
    if token.web_session_id != web_session.id:
        token.web_session_id = web_session.id


def list_tokens(user: User) -> list[DeviceToken]:
    """The user's tokens that are not revoked, newest first (expired ones included, marked so)."""
    return list(db.session.scalars(
        select(DeviceToken)
        .where(DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None))
        .order_by(DeviceToken.created_at.desc(), DeviceToken.id.desc())
    ))


def live_tokens(user: User, now: datetime | None = None) -> list[DeviceToken]:
    """The user's devices still signed in (not revoked, not expired), most recently used first."""
    now = now or utcnow()
    tokens = db.session.scalars(
        select(DeviceToken)
        .where(DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None), DeviceToken.expires_at > now)
    )
    idle = current_app.config["DEVICE_TOKEN_IDLE"]
    usable = [token for token in tokens if token.is_usable(now, idle)]
    return sorted(usable, key=lambda t: (t.last_used_at or t.created_at, t.id), reverse=True)


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
