"""A burst of parallel guesses cannot exceed a window: each try is counted before its password is
checked (counted after, every request of the burst was checked before any was counted)."""

from __future__ import annotations

import contextlib
import threading

import pytest

from server.auth import services
from tests.factories import PASSWORD

LIMITS = {"account_address": "3 per 15 minutes", "address": "100 per hour", "account": "100 per hour"}
LIMITED = {"RATELIMIT_ENABLED": True, "SIGN_IN_FAILURE_LIMITS": LIMITS}
BURST = 8


@pytest.fixture
def checks(monkeypatch):
    """Counts the passwords really checked; each check waits for the whole burst (or 3 s), so that
    every request of the burst that reaches a check is in flight at once."""
    barrier = threading.Barrier(BURST, timeout=3)
    seen: list[str] = []
    lock = threading.Lock()
    real = services.authenticate

    def slow_authenticate(username: str, password: str):
        with lock:
            seen.append(password)
        # broken: fewer than the whole burst reached the check, as it should be
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return real(username, password)

    monkeypatch.setattr(services, "authenticate", slow_authenticate)
    monkeypatch.setattr("server.tokens.views.authenticate", slow_authenticate)
    return seen


def _burst(app, send) -> list[int]:
    statuses: list[int] = [0] * BURST

    def one(i: int) -> None:
        statuses[i] = send(app.test_client(), i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def test_parallel_wrong_passwords_on_the_api_stay_within_the_window(make_app, world, checks):
    app = make_app(**LIMITED, TOKEN_RATE_LIMIT="1000 per minute")

    def send(client, i):
        return client.post("/api/v1/tokens", json={"username": "cadre", "password": f"guess-{i}",
                                                   "device_name": "x"}).status_code

    statuses = _burst(app, send)
    assert len(checks) == 3, checks  # the window's 3 tries, no more, however many arrive at once
    assert sorted(statuses) == [401] * 3 + [429] * (BURST - 3)
    # refused tries were given back: the window holds the 3 wrong ones, not the whole burst
    assert app.test_client().post("/api/v1/tokens", json={
        "username": "cadre", "password": PASSWORD, "device_name": "x"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 201


def test_parallel_wrong_passwords_on_the_form_stay_within_the_window(make_app, world, checks):
    from tests.helpers import csrf_token

    app = make_app(**LIMITED, SIGN_IN_RATE_LIMIT="1000 per minute")

    def send(client, i):
        token = csrf_token(client, "/auth/sign-in")
        return client.post("/auth/sign-in", data={"username": "cadre", "password": f"guess-{i}",
                                                  "csrf_token": token}).status_code

    statuses = _burst(app, send)
    assert len(checks) == 3, checks
    assert sorted(statuses) == [200] * 3 + [429] * (BURST - 3)
