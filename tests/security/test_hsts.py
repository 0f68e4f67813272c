"""HSTS under HTTPS covers subdomains by default (DICOSO_HSTS_INCLUDE_SUBDOMAINS=0 turns that off)."""

from __future__ import annotations

from server import config


def _hsts(app) -> str:
    return app.test_client().get("/auth/sign-in", base_url="https://localhost").headers[
        "Strict-Transport-Security"]


def test_hsts_includes_subdomains_by_default(make_app, world):
    assert _hsts(make_app(SESSION_COOKIE_SECURE=True)) == "max-age=31536000; includeSubDomains"


def test_hsts_without_subdomains_when_configured(make_app, world):
    assert _hsts(make_app(SESSION_COOKIE_SECURE=True, HSTS_INCLUDE_SUBDOMAINS=False)) == "max-age=31536000"


def test_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DICOSO_HTTPS", "1")
    monkeypatch.delenv("DICOSO_HSTS_INCLUDE_SUBDOMAINS", raising=False)
    assert config.from_environment(tmp_path)["HSTS_INCLUDE_SUBDOMAINS"] is True
    monkeypatch.setenv("DICOSO_HSTS_INCLUDE_SUBDOMAINS", "0")
    assert config.from_environment(tmp_path)["HSTS_INCLUDE_SUBDOMAINS"] is False


def test_no_hsts_over_plain_http(client, world):
    assert "Strict-Transport-Security" not in client.get("/auth/sign-in").headers
