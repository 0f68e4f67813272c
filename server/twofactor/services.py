"""Two-factor sign-in: TOTP (RFC 6238, 30-second steps, 6 digits) and recovery codes (flush, never
commit).

A code is accepted for the current time step or one step either side (a phone's clock drifts), and
never twice: the last accepted step is kept per user and only a later one is accepted after it, by a
conditional UPDATE, so two requests racing with one code cannot both win. Recovery codes are
random (about 119 bits each), shown once, stored as SHA-256 hashes and used at most once each (also
a conditional UPDATE).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from server.audit.services import record
from server.auth.models import RecoveryCode, User
from server.auth.services import end_all_access, end_other_access, hash_secret
from server.db import utcnow
from server.extensions import db

ISSUER = "dicoso"
#: time steps accepted either side of the current one
DRIFT = 1
RECOVERY_CODE_COUNT = 10
#: letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: 24 symbols of 31: about 119 random bits. A look-up secret of 112 bits or more may be kept with a
#: fast, unsalted hash (ASVS 5.0, 6.5.2): nobody who reads the table can try them all, whereas the
#: first codes' 16 symbols (about 79 bits) would have needed a salted slow hash
_RECOVERY_LENGTH = 24
#: codes made before keep working until used or replaced: they were shown once, and a person who
#: lost the phone has only them (docs/security.md)
_OLD_RECOVERY_LENGTH = 16
_SEPARATORS = re.compile(r"[\s\-]+")
TOTP = "totp"
RECOVERY = "recovery_code"


def required_for(user: User) -> bool:
    """Whether ``user``'s role must use two-factor sign-in (``TWO_FACTOR_ROLES``: admins and
    supervisors by default)."""
    return user.role in current_app.config.get("TWO_FACTOR_ROLES", ("admin", "supervisor"))


def needs_setup(user: User) -> bool:
    """True for a user whose role requires two-factor sign-in and who has not set it up yet."""
    return required_for(user) and not user.has_two_factor


# -- the secret and how it is shown ---------------------------------------------------------------

def new_secret() -> str:
    """A random base32 TOTP secret (32 symbols, 160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32()


def setup_secret(user: User) -> str:
    """The secret ``user`` is setting up: the same on every reload (the app may have scanned it)
    until a code confirms it; a new one after two-factor sign-in was turned off or reset."""
    if user.totp_setup_secret is None:
        user.totp_setup_secret = new_secret()
    return user.totp_setup_secret


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> Markup:
    """The QR code as inline SVG, drawn here (no image service, no script; nothing the CSP refuses)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff",
                                                 omitsize=True, svgclass="qr", title=title)
    return Markup(svg)  # segno escapes the title; the rest is its own markup


# -- checking codes ---------------------------------------------------------------------------------

def _digits(code: str) -> str | None:
    code = _SEPARATORS.sub("", code)
    return code if re.fullmatch(r"[0-9]{6}", code) else None


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step within the drift window whose code is ``code``, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(int(now))
    for step in range(current - DRIFT, current + DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, code: str, now: float) -> bool:
    digits = _digits(code)
    if digits is None or user.totp_secret is None:
        return False
    step = _matching_step(user.totp_secret, digits, now)
    if step is None:
        return False
    # Claim the step: only a step later than the last accepted one, in one statement, so that a
    # code seen over someone's shoulder (or sent twice at once) signs in only once.
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        set_committed_value(user, "totp_last_step", step)  # the row has it already
    return bool(claimed)


def _normalise_recovery(code: str) -> str | None:
    code = _SEPARATORS.sub("", code).lower()
    if len(code) not in (_RECOVERY_LENGTH, _OLD_RECOVERY_LENGTH) or any(c not in _ALPHABET for c in code):
        return None
    return code


def _use_recovery_code(user: User, code: str) -> bool:
    normalised = _normalise_recovery(code)
    if normalised is None:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_secret(normalised),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used:
        record("recovery_code_used", "user", user.id, actor_id=user.id, remaining=recovery_codes_left(user))
    return bool(used)


def verify(user: User, code: str, now: float | None = None) -> str | None:
    """Check a second factor: ``"totp"`` for a fresh TOTP code, ``"recovery_code"`` for an unused
    recovery code (now used up), None otherwise. Nothing is counted here (see ``throttle``)."""
    if not user.has_two_factor or not code:
        return None
    if _accept_totp(user, code, time.time() if now is None else now):
        return TOTP
    if _use_recovery_code(user, code):
        return RECOVERY
    return None


# -- recovery codes -----------------------------------------------------------------------------------

def _new_recovery_code() -> str:
    """Six groups of four symbols (``abcd-efgh-…``), easier to copy than one long word."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    now = utcnow()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_secret(_normalise_recovery(code) or ""),
                                    created_at=now) for code in codes)
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes (returned, shown once); the old ones stop working."""
    codes = _replace_recovery_codes(user)
    record("recovery_codes_regenerate", "user", user.id, actor_id=user.id)
    return codes


# -- turning it on and off ------------------------------------------------------------------------------

def enable(user: User, code: str, now: float | None = None) -> list[str] | None:
    """Turn two-factor sign-in on with the set-up secret once ``code`` proves the app has it;
    return the new recovery codes (shown once), or None when the code is wrong."""
    secret = setup_secret(user)
    digits = _digits(code)
    step = _matching_step(secret, digits, time.time() if now is None else now) if digits else None
    if step is None:
        return None
    user.totp_secret, user.totp_setup_secret = secret, None
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step  # the code just typed cannot sign anyone in
    codes = _replace_recovery_codes(user)
    # browsers and device tokens signed in with the password alone end; this session goes on
    revoked = end_other_access(user)
    record("two_factor_enable", "user", user.id, actor_id=user.id, tokens_revoked=revoked)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = user.totp_setup_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User) -> None:
    """The user turns two-factor sign-in off (the view has checked their password and a code)."""
    _clear(user)
    record("two_factor_disable", "user", user.id, actor_id=user.id)


def reset(user: User, actor: User | None) -> None:
    """An admin (or ``flask users reset-2fa``) clears someone's two-factor sign-in, e.g. after a lost
    phone. They are signed out everywhere; an admin sets it up again at the next sign-in."""
    _clear(user)
    end_all_access(user)
    record("two_factor_reset", "user", user.id, actor_id=actor.id if actor else None)
