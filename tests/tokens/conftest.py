"""Fixtures for sync tests: a signed-in device of the cadre."""

from __future__ import annotations

import pytest

from tests.api.support import issue_token


@pytest.fixture
def token(client, world) -> str:
    """A device token of "cadre"."""
    return issue_token(client, "cadre")
