"""One's own devices: the device tokens and web sessions signed in as oneself, and signing them out
(flush, never commit; the view has checked the password again, server/auth/reauth.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.audit.services import record
from server.auth.models import DeviceToken, User, WebSession
from server.auth.services import end_other_access, end_web_sessions, live_web_sessions
from server.db import utcnow
from server.extensions import db
from server.tokens.services import live_tokens


@dataclass(frozen=True)
class Devices:
    """What is signed in as someone: the apps' device tokens and the browsers' web sessions."""

    tokens: list[DeviceToken]
    sessions: list[WebSession]


def devices_of(user: User) -> Devices:
    return Devices(live_tokens(user), live_web_sessions(user))


def sign_out(user: User, token_ids: list[int], session_ids: list[int]) -> tuple[list[int], list[int]]:
    """Sign out the devices and browsers ticked, if they are ``user``'s own (never this browser's
    session); the ids of the tokens revoked and of the sessions ended, audited as one entry."""
    now = utcnow()
    revoked = []
    for token in db.session.scalars(select(DeviceToken).where(
            DeviceToken.id.in_(token_ids), DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None))):
        token.revoked_at = now
        revoked.append(token.id)
    ended, with_sessions = end_web_sessions(user, session_ids)
    revoked = sorted({*revoked, *with_sessions})
    if revoked or ended:
        record("sign_out_devices", "user", user.id, actor_id=user.id, token_ids=revoked,
               web_session_ids=ended)
    return revoked, ended


def sign_out_everywhere_else(user: User) -> list[int]:
    """Every device token of ``user`` is revoked and every web session but this one ends (as after a
    password change); the ids of the tokens revoked. This browser stays signed in, and its app gets
    a new token from it at the next sync."""
    revoked = end_other_access(user)
    record("revoke_all", "user", user.id, actor_id=user.id, tokens=len(revoked), token_ids=revoked,
           other_web_sessions=True)
    return revoked
