"""People who sign in, their web sessions and their device tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from server.db import Base, UTCDateTime, utcnow
from server.units.models import Unit


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CADRE = "cadre"


class User(UserMixin, Base):
    """A cadre, supervisor or admin of the Youth Union."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CADRE)
    #: full-time provincial cadres are the ones the plan's minimum days apply to
    is_full_time: Mapped[bool] = mapped_column(default=True)
    is_probationary: Mapped[bool] = mapped_column(default=False)
    #: the unit the person belongs to; a supervisor's review scope is this unit's subtree
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(200))
    #: interface language: "vi" or "en"
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    #: set by an admin's password reset: nothing but changing it works until it is changed
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the TOTP secret (base32) once two-factor sign-in is set up; None: password only
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the secret being set up, until the app's first code confirms it (kept here, not in the
    #: session cookie: the service worker's requests rewrite that cookie and would drop it)
    totp_setup_secret: Mapped[str | None] = mapped_column(String(64))
    #: the last TOTP time step accepted: a code is never accepted twice (nor an older one)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()

    # Set by the session loader: Flask-Login keeps this id, not the user's, in the cookie,
    # so that ending one web session on the server really ends it.
    session_key = None  # type: str | None
    #: the row id of that web session (set with ``session_key``): device tokens point to it
    web_session_id = None  # type: int | None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class WebSession(Base):
    """A signed-in browser session; deleting the row signs that browser out."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random key kept in the signed session cookie
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the last request seen (written at most every few minutes); unused too long, it ends
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the browser that signed in, so that its owner recognises it on "My devices"
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()

    def is_live(self, now: datetime, idle: timedelta) -> bool:
        seen = self.last_seen_at or self.created_at
        return now < self.expires_at and now - seen < idle and self.user.active


class DeviceToken(Base):
    """A long-lived bearer token for one device's sync client; only its hash is stored."""

    __tablename__ = "device_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the web session that issued the token (or was last seen using it): signing that session out
    #: revokes it, so a sign-out that never ran the PWA's script leaves no token alive. None: issued
    #: with a password, or the session ended otherwise (idle, expired)
    web_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("web_sessions.id", ondelete="SET NULL"), index=True)
    #: the browser that asked for the token, so that its owner recognises it on "My devices"
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime, idle: timedelta | None = None) -> bool:
        if self.revoked_at is not None or now >= self.expires_at or not self.user.active:
            return False
        return idle is None or now - (self.last_used_at or self.created_at) < idle


class RecoveryCode(Base):
    """A single-use code that stands in for a TOTP code (a lost phone); only its hash is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the code (about 119 random bits, like a token: a fast hash is enough; codes made
    #: before had 16 symbols, about 79 bits, and work until used or replaced)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
