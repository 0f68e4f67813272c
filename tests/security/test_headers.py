"""Hardening headers on every response, __Host- cookies and HSTS under HTTPS, Allow on a 405."""

from __future__ import annotations

import re

from tests.api.support import bearer, issue_token


def _policy(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_kind_of_response_is_hardened(client, auth, world):
    auth.sign_in("cadre")
    for path in ("/", "/auth/sign-in", "/sw.js", "/manifest.webmanifest", "/api/v1/openapi.json",
                 "/no-such-page", "/api/v1/bootstrap"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        policy = _policy(response)
        assert "'unsafe-inline'" not in policy["script-src"] and "unsafe-eval" not in str(policy)
        assert "'unsafe-inline'" not in policy["style-src"]
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                          "frame-ancestors 'none'", "form-action 'self'"):
            assert directive in policy.values(), (path, directive)
        assert "Strict-Transport-Security" not in response.headers


def test_personal_pages_and_bootstrap_are_not_kept_by_shared_caches(client, auth, world):
    token = issue_token(client)
    assert client.get("/api/v1/bootstrap", headers=bearer(token)).headers["Cache-Control"] == "no-store"
    auth.sign_in("cadre")
    for path in ("/", "/visits/", "/auth/password"):
        response = client.get(path)
        assert response.status_code == 200, path
        # private, revalidated every time (no-store stalls the service worker's navigations)
        assert response.headers["Cache-Control"] == "private, no-cache", path
    # the shell's own files keep their caching (the worker and versioned assets)
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"


def test_charts_style_carries_the_nonce_of_its_response(client, auth, world):
    auth.sign_in("admin")
    response = client.get("/reports/coverage")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style([^>]*)>", page)
    assert styles, "the coverage report draws its chart"
    assert all(f'nonce="{nonce}"' in attrs for attrs in styles)
    assert " style=" not in page  # no style attributes: the CSP would drop them
    assert client.get("/reports/coverage").headers["Content-Security-Policy"] != response.headers[
        "Content-Security-Policy"]  # a new nonce every time


def test_https_adds_hsts_and_host_cookies(make_app, world):
    app = make_app(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-session")
    client = app.test_client()
    response = client.get("/auth/sign-in", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_config_names_cookies_host_only_under_https(monkeypatch, tmp_path):
    from server import config

    monkeypatch.setenv("DICOSO_HTTPS", "1")
    monkeypatch.setenv("SECRET_KEY", "x")
    settings = config.from_environment(tmp_path)
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session" and settings["SESSION_COOKIE_SECURE"]
    monkeypatch.setenv("DICOSO_HTTPS", "0")
    assert config.from_environment(tmp_path)["SESSION_COOKIE_NAME"] == "session"


def test_405_answers_carry_allow(client, world):
    page = client.put("/auth/sign-in")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.put("/api/v1/tokens")
    assert api.status_code == 405 and "POST" in api.headers["Allow"]
    assert api.get_json()["error"]["code"] == "method_not_allowed"


def test_shell_files_carry_only_the_headers_that_act_on_them(client, world):
    from server.pwa_shell.views import asset_url

    with client.application.test_request_context():
        url = asset_url("js/app.js")
    response = client.get(url)
    assert response.status_code == 200 and response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    # document policies: on the pages and the worker, not on each module a page imports
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert name not in response.headers, name
        assert name in client.get("/sw.js").headers and name in client.get("/auth/sign-in").headers
