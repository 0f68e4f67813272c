"""Admin tests: a signed-in admin, and a helper that posts a page's form with its CSRF token."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_token


@pytest.fixture
def admin(client, auth, world):
    auth.sign_in("admin")
    return client


@pytest.fixture
def post(client):
    """``post(form_page, action, data)``: take the CSRF token from ``form_page``, post to ``action``."""

    def send(page: str, action: str | None = None, data: dict | None = None, **kwargs):
        token = csrf_token(client, page)
        return client.post(action or page, data={"csrf_token": token, **(data or {})}, **kwargs)

    return send
