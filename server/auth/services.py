"""Signing in and out, web sessions, user accounts (flush, never commit)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select, update
from werkzeug.security import generate_password_hash

from server.audit.services import record, record_many
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
    # no username holds a NUL, and PostgreSQL refuses one in a query parameter (a 500, not a "no")
    username = username.replace("\x00", "\ufffd")
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_failed_sign_in(username: str, via: str, address: str | None,
                          action: str = "sign_in_failed") -> None:
    """Audit a refused sign-in step: who was tried, from where, how (``via``: web or api).

    ``action``: ``sign_in_failed`` (wrong password, unknown or deactivated account),
    ``sign_in_blocked`` (refused unchecked: too many wrong passwords), ``two_factor_failed`` (wrong
    code), ``two_factor_blocked`` (refused unchecked: too many wrong codes).
    """
    name = username.replace("\x00", "\ufffd").strip().lower()[:80]
    user_id = db.session.scalar(select(User.id).where(User.username == name))
    record(action, "user", user_id if user_id is not None else "unknown", actor_id=None,
           username=name, address=address, via=via)


#: the longest user agent kept with a session or a token (enough to tell one browser from another)
USER_AGENT_LENGTH = 200


def short_user_agent(user_agent: str | None) -> str | None:
    """The user agent as kept: no NUL (PostgreSQL refuses one), at most ``USER_AGENT_LENGTH``."""
    return (user_agent or "").replace("\x00", "").strip()[:USER_AGENT_LENGTH] or None


def start_web_session(user: User, lifetime: timedelta, second_factor: str | None = None,
                      user_agent: str | None = None) -> str:
    """Open a server-side web session for ``user``; return the key for the session cookie.
    ``second_factor``: how the second step was passed (``totp``, ``recovery_code``), if any."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(WebSession(key_hash=hash_secret(key), user=user, created_at=now, last_seen_at=now,
                              expires_at=now + lifetime, user_agent=short_user_agent(user_agent)))
    user.session_key = key
    record("sign_in", "user", user.id, actor_id=user.id,
           **({"second_factor": second_factor} if second_factor else {}))
    return key


#: last_seen_at is written at most this often, so browsing does not write on every page
TOUCH_INTERVAL = timedelta(minutes=5)


def load_web_session(key: str, now: datetime | None = None) -> User | None:
    """The user of a live web session, or None if it ended, expired, went unused longer than
    ``SESSION_IDLE`` or the user was deactivated."""
    now = now or utcnow()
    web_session = db.session.scalar(select(WebSession).where(WebSession.key_hash == hash_secret(key)))
    if web_session is None or not web_session.is_live(now, current_app.config["SESSION_IDLE"]):
        return None
    if web_session.last_seen_at is None or now - web_session.last_seen_at > TOUCH_INTERVAL:
        web_session.last_seen_at = now
    user = web_session.user
    user.session_key = key
    user.web_session_id = web_session.id
    return user


def end_web_session(key: str) -> list[int]:
    """Delete the server-side session, so the cookie no longer signs anyone in, and revoke the
    device tokens it issued (or was last seen using): signing out ends them on the server even when
    the page's script did not run. Returns the ids of the tokens revoked."""
    session_id = db.session.scalar(select(WebSession.id).where(WebSession.key_hash == hash_secret(key)))
    if session_id is None:
        return []
    revoked = _revoke_tokens(DeviceToken.web_session_id == session_id)
    db.session.execute(delete(WebSession).where(WebSession.id == session_id))
    return revoked


def _revoke_tokens(*where) -> list[int]:
    """Revoke the live device tokens matching ``where``; their ids."""
    return list(db.session.scalars(
        update(DeviceToken)
        .where(DeviceToken.revoked_at.is_(None), *where)
        .values(revoked_at=utcnow())
        .returning(DeviceToken.id)
        .execution_options(synchronize_session=False)
    ))


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
    temporary: bool = False,
) -> User:
    """Add a user with a scrypt-hashed password (``temporary``: see ``set_temporary_password``)."""
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
    if temporary:
        set_temporary_password(user, password)
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def deactivate_user(user: User, actor: User | None = None) -> None:
    """Deactivate a user and end every web session and device token they hold."""
    user.active = False
    end_all_access(user)
    record("deactivate", "user", user.id, actor_id=actor.id if actor else None)


# -- administration of accounts ------------------------------------------------------------------

#: letters and digits that cannot be mistaken for one another when read out or copied by hand
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: the attributes an admin may change with ``update_user`` (the audit log names them)
EDITABLE_FIELDS = ("full_name", "role", "unit_id", "is_full_time", "is_probationary", "position", "locale")


def temporary_password(length: int = 14) -> str:
    """A random one-time password an admin hands over; it must be changed at first sign-in."""
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(length))


def set_temporary_password(user: User, password: str) -> None:
    """Store a temporary password, which must be changed before anything else.

    It is random (14 of 31 symbols, about 69 bits), like a device token, so a slow hash adds
    nothing against guessing; a light PBKDF2 keeps an import of hundreds of users to seconds
    (scrypt costs about 0.1-0.4 s each). The password the user then chooses gets scrypt.
    """
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    user.must_change_password = True


def username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(User.username == username.strip().lower())) is not None


def end_all_access(user: User) -> None:
    """End every web session and device token of ``user`` (they must sign in again)."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    _revoke_tokens(DeviceToken.user_id == user.id)


def end_other_access(user: User) -> list[int]:
    """End every web session of ``user`` but this request's, and revoke every device token of
    theirs; return the tokens' ids. After a password change or turning two-factor sign-in on:
    whoever learnt the old password (or signed in with it alone) keeps nothing. The phone in hand
    keeps its web session; its app gets a new token from it at the next sync (a refused token is
    replaced from the session, pwa/js/sync.js), and what waits in its outbox is sent then."""
    end_other_web_sessions(user)
    return _revoke_tokens(DeviceToken.user_id == user.id)


def create_user_with_temporary_password(actor: User | None, **fields) -> tuple[User, str]:
    """Create an account whose first password is temporary; return it with that password (shown once)."""
    password = temporary_password()
    user = create_user(password=password, temporary=True, **fields)
    record("create", "user", user.id, actor_id=actor.id if actor else None,
           username=user.username, role=user.role, unit_id=user.unit_id)
    return user, password


def create_users_with_temporary_passwords(actor: User, rows: list[dict[str, Any]]) -> dict[str, str]:
    """``create_user_with_temporary_password`` for many accounts (an import of thousands) in a few
    statements: one INSERT of all, one SELECT of their ids, one INSERT of their audit entries. Each
    row: ``username``, ``full_name``, ``role``, ``unit_id``, ``is_full_time``, ``is_probationary``,
    ``locale``, ``position``. Returns ``{username: temporary password}`` to show once."""
    passwords = {row["username"].strip().lower(): temporary_password() for row in rows}
    users = []
    for row in rows:
        user = User(**row)  # hashed and flagged exactly as one account is
        user.username = user.username.strip().lower()
        set_temporary_password(user, passwords[user.username])
        users.append({column: getattr(user, column) for column in (
            "username", "full_name", "role", "unit_id", "is_full_time", "is_probationary", "locale",
            "position", "password_hash", "must_change_password")})
    if not users:
        return {}
    db.session.execute(insert(User), users)
    ids = dict(db.session.execute(select(User.username, User.id).where(User.username.in_(passwords))).all())
    record_many([{"action": "create", "entity_type": "user", "entity_id": ids[user["username"]],
                  "details": {"username": user["username"], "role": user["role"], "unit_id": user["unit_id"]}}
                 for user in users], actor.id)
    return passwords


def update_user(user: User, actor: User, **changes) -> dict[str, list]:
    """Apply an admin's changes to the editable fields; audit what really changed (old, new)."""
    return update_users([(user, changes)], actor)[0]


def update_users(updates: list[tuple[User, dict]], actor: User, **audit: Any) -> list[dict[str, list]]:
    """``update_user`` for many users, with one flush and one audit statement for all; ``audit``:
    more details for each user's entry (an import says so). Returns what changed for each, in order."""
    results = []
    for user, changes in updates:
        changed: dict[str, list] = {}
        for name, value in changes.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(name)
            old = getattr(user, name)
            if old != value:
                setattr(user, name, value)
                changed[name] = [old, value]
        results.append(changed)
    if any(results):
        db.session.flush()
        record_many([{"action": "update", "entity_type": "user", "entity_id": user.id,
                      "details": {"changes": changed, **audit}}
                     for (user, _changes), changed in zip(updates, results, strict=True) if changed],
                    actor.id)
    return results


def reactivate_user(user: User, actor: User) -> None:
    """Let a deactivated user sign in again (with a new temporary password: the old may be known)."""
    user.active = True
    record("reactivate", "user", user.id, actor_id=actor.id)


def reset_password(user: User, actor: User) -> str:
    """Give ``user`` a one-time temporary password (returned, shown once) and sign them out everywhere."""
    password = temporary_password()
    set_temporary_password(user, password)
    end_all_access(user)
    record("reset_password", "user", user.id, actor_id=actor.id)
    return password


def change_own_password(user: User, new: str) -> None:
    """Change one's password (the view has checked the current one, server/auth/reauth.py)."""
    user.set_password(new)
    user.must_change_password = False
    # other browsers and every device token signed in with the old password end; this session goes on
    revoked = end_other_access(user)
    record("change_password", "user", user.id, actor_id=user.id, tokens_revoked=revoked)


def live_web_sessions(user: User, now: datetime | None = None) -> list[WebSession]:
    """The user's web sessions still signed in (not ended, expired or unused too long), most
    recently seen first."""
    now = now or utcnow()
    idle = current_app.config["SESSION_IDLE"]
    rows = db.session.scalars(select(WebSession).where(WebSession.user_id == user.id,
                                                       WebSession.expires_at > now))
    live = [row for row in rows if row.is_live(now, idle)]
    return sorted(live, key=lambda s: (s.last_seen_at or s.created_at, s.id), reverse=True)


def end_web_sessions(user: User, session_ids: list[int]) -> tuple[list[int], list[int]]:
    """End these web sessions of ``user`` (never this request's) and revoke the device tokens they
    issued; the ids of the sessions ended and of the tokens revoked."""
    keep = hash_secret(user.session_key) if user.session_key else ""
    ended = list(db.session.scalars(select(WebSession.id).where(
        WebSession.user_id == user.id, WebSession.id.in_(session_ids), WebSession.key_hash != keep)))
    if not ended:
        return [], []
    revoked = _revoke_tokens(DeviceToken.web_session_id.in_(ended))
    db.session.execute(delete(WebSession).where(WebSession.id.in_(ended)))
    return ended, revoked


def end_other_web_sessions(user: User) -> None:
    """End every web session of ``user`` but the one of this request."""
    keep = hash_secret(user.session_key) if user.session_key else ""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.key_hash != keep))
