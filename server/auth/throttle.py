"""Password guessing limits, shared by the sign-in form and ``POST /api/v1/tokens``.

Only failures are counted (a right password costs nothing), in the limiter's storage, so with
``RATELIMIT_STORAGE_URI=redis://…`` every worker sees the same counts. Three windows:

* one account from one address (strict): someone guessing one cadre's password from anywhere is
  stopped after a few tries, while a colleague behind the same office proxy, who types their own
  right password, is not refused: their account+address pair has no failures;
* one address, all accounts (loose): one machine trying many accounts; loose because a whole
  office may sit behind one proxy address;
* one account, all addresses: a slow ceiling for guessing from many addresses.

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


def _limits() -> dict[str, RateLimitItem]:
    configured = current_app.config.get("SIGN_IN_FAILURE_LIMITS", {})
    return {name: parse(configured.get(name, default)) for name, default in _DEFAULTS.items()}


def _keys(username: str) -> dict[str, tuple[str, ...]]:
    # usernames are hashed: the store holds no names, and any length or character fits a key
    account = hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]
    address = request.remote_addr or "unknown"
    return {
        "account_address": ("signin-fail", "aa", account, address),
        "address": ("signin-fail", "a", address),
        "account": ("signin-fail", "u", account),
    }


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def sign_in_blocked(username: str) -> bool:
    """True when this username from this address may not try a password now."""
    if not _enabled():
        return False
    limits = _limits()
    return any(not limiter.limiter.test(limits[name], *key) for name, key in _keys(username).items())


def count_failure(username: str) -> None:
    """Count one wrong password for this username from this address."""
    if not _enabled():
        return
    limits = _limits()
    for name, key in _keys(username).items():
        limiter.limiter.hit(limits[name], *key)
