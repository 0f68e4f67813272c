"""Browser hardening on every response: CSP, nosniff, Referrer-Policy, framing, HSTS, caching.

A short hook rather than Flask-Talisman: the policy is a few lines and one nonce. Scripts come only
from this origin (no inline script, no eval). Styles come from this origin too; the one inline
``<style>`` the app makes, inside pygal's SVG charts, carries the request's nonce
(``csp_nonce()``). Cookies take the ``__Host-`` prefix under HTTPS (set in ``server.config``).
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: endpoints whose answers are the same for everyone and set their own Cache-Control
_SHARED = {"static", "pwa_shell.asset", "pwa_shell.service_worker", "pwa_shell.manifest",
           "pwa_shell.offline", "api.openapi"}
#: the shell's scripts, styles and icons: CSP, framing, opener and permissions policies act on
#: documents and workers, not on a module a page imports (the page's own policy governs it), and
#: on HTTP/1.1 those headers were a third of the bytes of the visit form's 25 small files
_ASSETS = {"static", "pwa_shell.asset"}


def csp_nonce() -> str:
    """This response's nonce for an inline ``<style>`` (new for every request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _harden(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if request.is_secure or _https():
        headers["Strict-Transport-Security"] = _hsts()
    if request.endpoint in _ASSETS and response.mimetype != "text/html":
        return response  # Cache-Control: set by the asset's own view
    policy = _POLICY.format(nonce=csp_nonce())
    # a view's own directives (a photo's "sandbox") come first and stay: the app's are added
    own = headers.get("Content-Security-Policy")
    headers["Content-Security-Policy"] = f"{own}; {policy}" if own else policy
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), payment=(), geolocation=(self)"
    # Pages, exports and API answers carry someone's data: no shared cache keeps them. API answers
    # and files are not kept at all; pages are "private, no-cache" (revalidated every time) because
    # Chromium's service worker stalls navigations answered with no-store (a browser test hung).
    if request.endpoint not in _SHARED and "Cache-Control" not in headers:
        page = response.mimetype == "text/html"
        headers["Cache-Control"] = "private, no-cache" if page else "no-store"
    return response


def _https() -> bool:
    from flask import current_app

    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def _hsts() -> str:
    """A year of HTTPS only, for subdomains too unless turned off: a sibling host served over plain
    HTTP could otherwise set cookies for the parent domain or be used to strip TLS."""
    from flask import current_app

    if current_app.config.get("HSTS_INCLUDE_SUBDOMAINS", True):
        return "max-age=31536000; includeSubDomains"
    return "max-age=31536000"


def init_app(app: Flask) -> None:
    app.after_request(_harden)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
