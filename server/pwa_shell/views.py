"""Serve the service worker at the root scope, the manifest, the offline page and versioned files."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    get_flashed_messages,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from server.pwa_shell import services

bp = Blueprint("pwa_shell", __name__, template_folder="templates")

ONE_YEAR = 365 * 24 * 3600


def _pwa_dir() -> Path:
    return Path(current_app.static_folder)


def current_shell() -> services.Shell:
    """The shell of this request (a page asks for it once per asset URL: look at the files once)."""
    if "pwa_shell" not in g:
        g.pwa_shell = services.shell(_pwa_dir(), current_app.config.get("PWA_VERSION_SALT", ""))
    return g.pwa_shell


def asset_url(filename: str) -> str:
    """A URL that changes whenever the shell changes, so the file may be cached for a year."""
    return url_for("pwa_shell.asset", version=current_shell().version, filename=filename)


@bp.get("/sw.js")
def service_worker():
    shell = current_shell()
    prefix = url_for("pwa_shell.asset", version=shell.version, filename="")
    extra = [url_for("pwa_shell.manifest"), url_for("pwa_shell.offline")]
    body = services.service_worker_source(_pwa_dir(), shell, prefix, extra)
    response = Response(body, mimetype="text/javascript")
    # The browser must see a new worker as soon as it exists; the worker caches the rest.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    response = send_from_directory(_pwa_dir(), "manifest.webmanifest", mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa_shell/offline.html")


@bp.get("/static/v/<version>/<path:filename>")
def asset(version: str, filename: str):
    response = send_from_directory(_pwa_dir(), filename)
    if version == current_shell().version:
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    else:  # an old page asking for an old version gets today's file, not cached for long
        response.headers["Cache-Control"] = "no-cache"
    return response


def page_flashes() -> list[tuple[str, str]]:
    """The flash messages for a page the person opens, not for a copy the service worker fetches.

    The worker refreshes its offline pages in the background (`Sec-Fetch-Mode: same-origin`); if that
    fetch took the messages, the page the person is being redirected to would show none, and the
    cached copy would show a stale one offline.
    """
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return []
    return get_flashed_messages(with_categories=True)


@bp.app_context_processor
def _asset_helpers() -> dict:
    return {"asset_url": asset_url, "page_flashes": page_flashes}
