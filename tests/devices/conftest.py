"""The two-factor tests' frozen clock, for turning two-factor sign-in on through the pages."""

from tests.twofactor.conftest import clock  # noqa: F401  (a fixture)
