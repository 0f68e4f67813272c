"""Signing in and out, web sessions, user accounts (flush, never commit)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from server.audit.services import record
from server.auth.models import DeviceToken, Role, User, WebSession
from server.db import utcnow
from server.extensions import db
from server.units.models import Unit

# An unknown username still costs one scrypt check, so timing does not tell which names exist.
_DUMMY_HASH = "scrypt:32768:8:1$0000000000000000$" + "0" * 128


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy random secret (session key or device token)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def start_web_session(user: User, lifetime: timedelta) -> str:
    """Open a server-side web session for ``user``; return the key for the session cookie."""
    key = secrets.token_urlsafe(32)
    db.session.add(WebSession(key_hash=hash_secret(key), user=user, expires_at=utcnow() + lifetime))
    user.session_key = key
    record("sign_in", "user", user.id, actor_id=user.id)
    return key


def load_web_session(key: str, now: datetime | None = None) -> User | None:
    """The user of a live web session, or None if it ended, expired or the user was deactivated."""
    now = now or utcnow()
    web_session = db.session.scalar(select(WebSession).where(WebSession.key_hash == hash_secret(key)))
    if web_session is None or web_session.expires_at <= now or not web_session.user.active:
        return None
    user = web_session.user
    user.session_key = key
    return user


def end_web_session(key: str) -> None:
    """Delete the server-side session, so the cookie no longer signs anyone in."""
    db.session.execute(delete(WebSession).where(WebSession.key_hash == hash_secret(key)))


def create_user(
    username: str,
    full_name: str,
    password: str,
    unit: Unit,
    role: str = Role.CADRE,
    *,
    is_full_time: bool = True,
    is_probationary: bool = False,
    position: str | None = None,
    locale: str = "vi",
) -> User:
    """Add a user with a scrypt-hashed password."""
    user = User(
        username=username.strip().lower(),
        full_name=full_name,
        role=role,
        unit=unit,
        is_full_time=is_full_time,
        is_probationary=is_probationary,
        position=position,
        locale=locale,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def deactivate_user(user: User, actor: User | None = None) -> None:
    """Deactivate a user and end every web session and device token they hold."""
    user.active = False
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    db.session.execute(
        update(DeviceToken)
        .where(DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    record("deactivate", "user", user.id, actor_id=actor.id if actor else None)
