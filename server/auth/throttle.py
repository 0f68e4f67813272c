"""Password guessing limits, shared by the sign-in form and ``POST /api/v1/tokens``.

Only failures are counted (a right password costs nothing), in the limiter's storage, so with
``RATELIMIT_STORAGE_URI=redis://…`` every worker sees the same counts. Three windows:

* one account from one address (strict): someone guessing one cadre's password from anywhere is
  stopped after a few tries, while a colleague behind the same office proxy, who types their own
  right password, is not refused: their account+address pair has no failures;
* one address, all accounts (loose): one machine trying many accounts; loose because a whole
  office may sit behind one proxy address;
* one account, all addresses: a slow ceiling for guessing from many addresses.

Wrong two-factor codes are counted the same way in windows of their own (``code_attempt``), per
account+address and per account. The change-password form's current password counts in the
sign-in windows (``password_attempt``): a signed-in session guessing it is a sign-in guesser too.

A try is counted *before* the password (or code) is checked, and given back once it proves right:
counting after the check let a burst of parallel requests, all checked before any was counted,
try far more than a window allows. A try refused unchecked is given back too, so that waiting out
the window is enough (refusals do not prolong it, nor fill the looser windows of a whole office).

The address is ``request.remote_addr``, which ``ProxyFix`` sets from ``X-Forwarded-For`` only
when ``DICOSO_PROXIES`` says how many proxies to trust.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

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


@dataclass
class Attempt:
    """One try, counted in every window before it is checked. ``refused``: a window is full, so
    nothing may be checked (the count was given back already). Call ``give_back`` when the password
    or code proves right: only failures stay counted."""

    refused: bool = False
    _hits: list[tuple[RateLimitItem, tuple[str, ...]]] = field(default_factory=list)

    def give_back(self) -> None:
        for limit, key in self._hits:
            _give_back(limit, key)
        self._hits = []


def _give_back(limit: RateLimitItem, key: tuple[str, ...]) -> None:
    """Take one count off a window (fixed-window counters: a negative increment). Not below zero: a
    window that ended meanwhile starts again empty, not with a try in hand."""
    storage = limiter.limiter.storage
    counter = limit.key_for(*key)
    if storage.get(counter) > 0:
        storage.incr(counter, limit.get_expiry(), amount=-1)


def _attempt(prefix: str, limits: dict[str, RateLimitItem], username: str) -> Attempt:
    if not _enabled():
        return Attempt()
    keys = _keys(prefix, username)
    attempt = Attempt()
    for name, limit in limits.items():
        # the storage's increment is atomic: of N parallel tries, only those within the limit pass
        if not limiter.limiter.hit(limit, *keys[name]):
            attempt.refused = True
        attempt._hits.append((limit, keys[name]))
    if attempt.refused:
        attempt.give_back()  # given back: a refused try is not a guess
    return attempt


def password_attempt(username: str) -> Attempt:
    """Count one password try for this username from this address, before checking it."""
    return _attempt("signin-fail", _limits("SIGN_IN_FAILURE_LIMITS", _DEFAULTS), username)


def code_attempt(username: str) -> Attempt:
    """Count one two-factor code (or recovery code) try for this account, before checking it."""
    return _attempt("code-fail", _limits("TWO_FACTOR_FAILURE_LIMITS", _CODE_DEFAULTS), username)
