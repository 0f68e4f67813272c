"""The password rule, the same wherever a password is chosen (NIST SP 800-63B, 5.1.1.2).

8 to 128 characters, any characters, no composition rules; refused when it is one of the most
common passwords (``data/common_passwords.txt``, read once, no network) or contains the username.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
#: a username shorter than this is not looked for inside the password (it would refuse too much)
_MIN_USERNAME_CHECKED = 3


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` may not be chosen (a translated sentence), or None when it may."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    folded = password.strip().lower()
    if folded in common_passwords():
        return _("This password is among the most common ones: choose another.")
    name = (username or "").strip().lower()
    if len(name) >= _MIN_USERNAME_CHECKED and name in folded:
        return _("The password may not contain the username.")
    return None
