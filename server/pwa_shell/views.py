"""Serve the service worker at the root scope, the manifest, the offline page and versioned files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.security import safe_join

from server.pwa_shell import services

bp = Blueprint("pwa_shell", __name__, template_folder="templates")

ONE_YEAR = 365 * 24 * 3600


def _pwa_dir() -> Path:
    return Path(current_app.static_folder)


def minifying() -> bool:
    """Whether scripts and styles are served minified: ``PWA_MINIFY`` when set, else everywhere but
    in debug mode (``flask run --debug`` serves the sources as written, for the browser's debugger)."""
    setting = current_app.config.get("PWA_MINIFY")
    return (not current_app.debug) if setting is None else bool(setting)


def current_shell() -> services.Shell:
    """The shell of this request (a page asks for it once per asset URL: look at the files once)."""
    if "pwa_shell" not in g:
        salt = current_app.config.get("PWA_VERSION_SALT", "")
        # minified or not, and by which minifier versions, is part of what the files are
        g.pwa_shell = services.shell(_pwa_dir(), f"{salt}\0{services.MINIFIED_BY}" if minifying() else salt)
    return g.pwa_shell


def asset_url(filename: str) -> str:
    """A URL that changes whenever the shell changes, so the file may be cached for a year."""
    return url_for("pwa_shell.asset", version=current_shell().version, filename=filename)


@bp.get("/sw.js")
def service_worker():
    shell = current_shell()
    prefix = url_for("pwa_shell.asset", version=shell.version, filename="")
    extra = [url_for("pwa_shell.manifest"), url_for("pwa_shell.offline")]
    body = services.service_worker_source(_pwa_dir(), shell, prefix, extra, minify=minifying())
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
    found = safe_join(str(_pwa_dir()), filename) if minifying() else None
    small = services.minified(Path(found)) if found and Path(found).is_file() else None
    if small is None:
        response = send_from_directory(_pwa_dir(), filename)
    else:  # a script or a style sheet, minified: the same bytes for every request of this version
        response = Response(small.body, mimetype=services.MIMETYPES[Path(found).suffix])
        response.set_etag(small.etag)
        response.last_modified = small.mtime
        response.make_conditional(request)
    if version == current_shell().version:
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    else:  # an old page asking for an old version gets today's file, not cached for long
        response.headers["Cache-Control"] = "no-cache"
    return response


def module_preloads(view: str) -> list[str]:
    """The URLs of app.js's modules and the page's view's, all of them (see base.html), and the
    messages of the page's language, which i18n.js imports by name (only that one is fetched)."""
    language = "en" if str(get_locale()) == "en" else "vi"
    entries = ("js/app.js", f"js/messages/{language}.js") + ((f"js/views/{view}.js",) if view else ())
    return [asset_url(module) for module in services.module_graph(_pwa_dir(), current_shell(), entries)]


def page_flashes() -> list[tuple[str, str]]:
    """The flash messages for a page the person opens, not for a copy the service worker fetches.

    The worker refreshes its offline pages in the background (`Sec-Fetch-Mode: same-origin`); if that
    fetch took the messages, the page the person is being redirected to would show none, and the
    cached copy would show a stale one offline.
    """
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return []
    messages = get_flashed_messages(with_categories=True)
    if messages:
        g.page_flashed = True
    return messages


def page_owner() -> str:
    """Whose page this is, as the service worker keys its copies: the person and the language."""
    return f"{current_user.id}:{get_locale()}" if current_user.is_authenticated else ""


@bp.after_app_request
def _describe_page(response: Response) -> Response:
    """Tell the service worker what it needs before it keeps a copy of a page (see pwa/sw.js).

    X-Dicoso-Owner: whose page (a different person or language empties the worker's page cache);
    X-Dicoso-Shell: the shell version the page's links point to (an older worker keeps no page of a
    newer shell); X-Dicoso-Flashes: the page shows one-time messages (never kept).
    """
    # An error page is never kept, and a 5xx may mean the database is gone: loading the person
    # for the owner header would fail again.
    if response.mimetype == "text/html" and response.status_code < 500:
        owner = page_owner()
        if owner:
            response.headers["X-Dicoso-Owner"] = owner
        response.headers["X-Dicoso-Shell"] = current_shell().version
        if g.get("page_flashed"):
            response.headers["X-Dicoso-Flashes"] = "1"
    if request.method == "POST" and response.status_code in (302, 303) and response.location:
        response.location = fresh_location(response.location)
    return response


def fresh_location(location: str) -> str:
    """A redirect after a form post to one of the app's offline pages asks for the server's page.

    The worker answers those pages from its cache at once; right after a post (signing in, a new
    language, a saved form with its message) the person must see what the server says now, so the
    redirect carries ``fresh=1`` and the worker goes to the network for it (the page drops it again).
    """
    parts = urlsplit(location)
    if parts.netloc and parts.netloc != request.host:
        return location
    if parts.path not in services.OFFLINE_PAGES:
        return location
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != services.FRESH_PARAM]
    query.append((services.FRESH_PARAM, "1"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@bp.app_context_processor
def _asset_helpers() -> dict:
    return {"asset_url": asset_url, "page_flashes": page_flashes, "page_owner": page_owner,
            "module_preloads": module_preloads}
