"""Small helpers shared by tests."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """Load a page and return the CSRF token of its first form."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def has_two_factor(app: Flask, username: str) -> bool:
    """Whether ``username`` signs in with a code after the password."""
    from server.auth.models import User
    from server.extensions import db

    with app.app_context():
        return bool(db.session.scalar(select(User.totp_secret).where(User.username == username)))


def next_code(app: Flask, username: str) -> str:
    """A TOTP code the server will accept now for ``username``: the current time step's, or the
    next one's when the current step was used already (the server accepts one step of drift and
    never a step twice). Never the previous step's: a step boundary passing before the server
    checks it would put that one out of reach."""
    from server.auth.models import User
    from server.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None and user.totp_secret, f"{username} has no two-factor sign-in"
        totp = pyotp.TOTP(user.totp_secret)
        now = totp.timecode(int(time.time()))
        step = max(now, (user.totp_last_step or 0) + 1)
        if step > now + 1:
            # A third sign-in of this person within one 30 s step: the server rightly refuses every
            # code until the next step. Tests that sign someone in that often (supervisors, now that
            # they need a code) are not about replays, tests/twofactor is: the person's last
            # accepted step is set back rather than waiting up to a minute.
            user.totp_last_step, step = now - 1, now
            db.session.commit()
        return totp.generate_otp(step)


@contextmanager
def counting(app) -> Iterator[Callable[[], int]]:
    """Count the SQL statements sent (an executemany counts once, as it is one round of the driver)."""
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    from server.extensions import db

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield lambda: len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
