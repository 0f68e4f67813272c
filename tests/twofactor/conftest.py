"""Two-factor tests: a frozen clock for TOTP, the two sign-in steps, enrolment through the pages."""

from __future__ import annotations

import re

import pyotp
import pytest

from server.twofactor import services
from tests.factories import PASSWORD
from tests.helpers import csrf_token

#: 1 January 2026 00:00:00 UTC, the start of a 30-second step
T0 = 1_767_225_600


class Clock:
    """What the two-factor service takes for ``time.time()``; tests move it by whole steps."""

    def __init__(self) -> None:
        self.now = float(T0)

    def time(self) -> float:
        return self.now

    def tick(self, steps: int = 1) -> None:
        self.now += 30 * steps

    def code(self, secret: str, steps: int = 0) -> str:
        """The code an app shows ``steps`` steps from now."""
        return pyotp.TOTP(secret).at(int(self.now) + 30 * steps)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(services, "time", frozen)
    return frozen


def password_step(client, username: str, password: str = PASSWORD, next_path: str | None = None):
    token = csrf_token(client, "/auth/sign-in")
    url = "/auth/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def code_step(client, code: str):
    token = csrf_token(client, "/auth/two-factor/code")
    return client.post("/auth/two-factor/code", data={"code": code, "csrf_token": token})


def sign_in(client, username: str, code: str, **kwargs):
    """Both steps; the answer to the code."""
    first = password_step(client, username, **kwargs)
    assert first.headers["Location"].endswith("/auth/two-factor/code"), first.status_code
    return code_step(client, code)


def sign_out(client) -> None:
    client.post("/auth/sign-out", data={"csrf_token": csrf_token(client, "/")})


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


_SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')
_CODES = re.compile(r"<li><code>([a-z2-9-]+)</code></li>")


def enrol(client, clock: Clock) -> tuple[str, list[str]]:
    """Set up two-factor sign-in through the pages (signed in already); the secret and the codes."""
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = _SECRET.search(page).group(1).replace(" ", "")
    token = csrf_token(client, "/auth/two-factor/setup")
    done = client.post("/auth/two-factor/setup", data={"code": clock.code(secret), "csrf_token": token})
    assert done.status_code == 200, done.status_code
    return secret, _CODES.findall(done.get_data(as_text=True))
