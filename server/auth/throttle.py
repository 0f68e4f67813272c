"""Password guessing limits, shared by the sign-in form and ``POST /api/v1/tokens``.

Only failures are counted (a right password costs nothing), in the limiter's storage, so with
``RATELIMIT_STORAGE_URI=redis://…`` every worker sees the same counts. Three windows:

* one account from one address (strict): someone guessing one cadre's password from anywhere is
  stopped after a few tries, while a colleague behind the same office proxy, who types their own
  right password, is not refused: their account+address pair has no failures;
* one address, all accounts (loose): one machine trying many accounts; loose because a whole
  office may sit behind one proxy address;
* one account, all addresses: a slow ceiling for guessing from many addresses.

Wrong two-factor codes are counted the same way in windows of their own (``code_blocked``,
``count_code_failure``), per account+address and per account.

The address is ``request.remote_addr``, which ``ProxyFix`` sets from ``X-Forwarded-For`` only
when ``DICOSO_PROXIES`` says how many proxies to trust.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from limits import RateLimitItem, parse

from server.extensions import limiter

_DEFAULTS = {
    "account_address": "10 per 15 minutes",
    "address": "100 per hour",
    "account": "50 per hour",
}
#: Wrong two-factor codes (TOTP or recovery), counted apart from passwords. Whoever types codes
#: already knows the password, and one guess in 333,333 is right (a code and its two neighbours):
#: stricter windows, and one per account per day so that guessing from many addresses stays slow
#: (30 a day: about one chance in 11,000 a day).
_CODE_DEFAULTS = {
    "account_address": "5 per 15 minutes",
    "account": "30 per day",
}


def _limits(setting: str, defaults: dict[str, str]) -> dict[str, RateLimitItem]:
    configured = current_app.config.get(setting, {})
    return {name: parse(configured.get(name, default)) for name, default in defaults.items()}


def _keys(prefix: str, username: str) -> dict[str, tuple[str, ...]]:
    # usernames are hashed: the store holds no names, and any length or character fits a key
    account = hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]
    address = request.remote_addr or "unknown"
    return {
        "account_address": (prefix, "aa", account, address),
        "address": (prefix, "a", address),
        "account": (prefix, "u", account),
    }


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _blocked(prefix: str, limits: dict[str, RateLimitItem], username: str) -> bool:
    if not _enabled():
        return False
    keys = _keys(prefix, username)
    return any(not limiter.limiter.test(limit, *keys[name]) for name, limit in limits.items())


def _count(prefix: str, limits: dict[str, RateLimitItem], username: str) -> None:
    if not _enabled():
        return
    keys = _keys(prefix, username)
    for name, limit in limits.items():
        limiter.limiter.hit(limit, *keys[name])


def sign_in_blocked(username: str) -> bool:
    """True when this username from this address may not try a password now."""
    return _blocked("signin-fail", _limits("SIGN_IN_FAILURE_LIMITS", _DEFAULTS), username)


def count_failure(username: str) -> None:
    """Count one wrong password for this username from this address."""
    _count("signin-fail", _limits("SIGN_IN_FAILURE_LIMITS", _DEFAULTS), username)


def code_blocked(username: str) -> bool:
    """True when this account (from this address, or from anywhere) may not try a code now."""
    return _blocked("code-fail", _limits("TWO_FACTOR_FAILURE_LIMITS", _CODE_DEFAULTS), username)


def count_code_failure(username: str) -> None:
    """Count one wrong two-factor code (or recovery code) for this account from this address."""
    _count("code-fail", _limits("TWO_FACTOR_FAILURE_LIMITS", _CODE_DEFAULTS), username)
