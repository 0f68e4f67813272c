"""The demo as ``make run`` serves it: two-factor sign-in required of the admin only (Makefile,
DEMO_TWO_FACTOR_ROLES), so that a first look at a supervisor's pages needs no phone."""

from __future__ import annotations

import pytest


@pytest.fixture
def app(make_app):
    return make_app(TWO_FACTOR_ROLES=("admin",))
