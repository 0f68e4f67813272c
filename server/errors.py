"""One JSON error envelope under /api, HTML error pages elsewhere."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

#: seconds a client is asked to wait when the database is out of reach
RETRY_AFTER = 5


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, fields: dict | None = None, **extra):
    """Build the /api error response: ``{"error": {"code", "message", "fields"}}``; ``extra``
    adds members a client acts on (a photo upload's ``offset``)."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}
    return jsonify(body), status


_MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Please sign in."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found."),
    405: lambda: _("This method is not allowed here."),
    413: lambda: _("The request is too large."),
    415: lambda: _("Send JSON with Content-Type: application/json."),
    429: lambda: _("Too many requests. Please wait a moment and try again."),
    500: lambda: _("Something went wrong on the server. Your data is safe; please try again."),
    503: lambda: _("The server cannot reach its database for a moment. Your data is safe; "
                   "please try again shortly."),
}


def _message(status: int) -> str:
    return _MESSAGES.get(status, _MESSAGES[500])()


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        response, status = api_error(status, code, _message(status))
    else:
        response = make_response(render_template("errors/page.html", status=status,
                                                 message=_message(status)), status)
    # the exception's own headers: Allow on a 405 (RFC 9110 requires it)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status


def handle_csrf_error(error: CSRFError):
    """A page's form sent without a valid CSRF token: most often a form left open across a sign-out
    or a sign-in elsewhere. Say so, and offer the page again (the browser's Back keeps what was
    typed), instead of "the request could not be understood"."""
    if wants_json():
        return handle_http_error(error)
    retry = _same_site_referrer()
    message = _("This form has expired (you signed in or out since the page was opened). "
                "Open the page again and send it once more.")
    page = render_template("errors/page.html", status=400, message=message, retry=retry)
    return make_response(page, 400)


def _same_site_referrer() -> str | None:
    """The page the form was on (its path), if it was on this site."""
    parts = urlsplit(request.referrer or "")
    if (not parts.path.startswith("/") or parts.path.startswith("//") or "\\" in parts.path
            or (parts.netloc and parts.netloc != request.host)):
        return None  # not this site's, or read by a browser as another host (//host, /\\host)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def handle_unexpected(error: Exception):
    """Never show a stack trace: log it, answer like any other server error."""
    from server.extensions import db

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_error(InternalServerError(original_exception=error))


def database_unavailable(error: OperationalError) -> Response:
    """The database is out of reach or dropped the connection (a restart, a failover, a lock wait
    that ran out): nothing is wrong with the request. 503 with Retry-After, so that clients keep what
    they hold and send it again (a push is idempotent); one line in the log, no stack trace.

    The answer is written without the database: a language from what is already loaded, and a page
    without the signed-in user's menu (loading either would fail again, and answer 500)."""
    reason = str(error.orig if error.orig is not None else error).strip().splitlines()
    current_app.logger.error("database unavailable on %s %s: %s", request.method, request.path,
                             reason[0] if reason else type(error).__name__)
    with force_locale(_language_without_database()):
        message = _message(503)
        if wants_json():
            response, _status = api_error(503, "service_unavailable", message)
        else:
            # straight from Jinja: render_template would run the context processors, and
            # flask-login's loads the signed-in user
            from server.pwa_shell.views import asset_url

            page = current_app.jinja_env.get_template("errors/unavailable.html")
            response = make_response(page.render(message=message, asset_url=asset_url))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    with contextlib.suppress(SQLAlchemyError):
        from server.extensions import db

        db.session.rollback()
    return response


def _language_without_database() -> str:
    """The signed-in person's language if their row is loaded already, else the one chosen on the
    sign-in page, else Vietnamese (``server.i18n.select_locale`` without its database reads)."""
    from server.i18n import DEFAULT_LOCALE, LOCALES

    user = g.get("api_user") or g.get("_login_user")  # (flask-login keeps the loaded user there)
    state = inspect(user, raiseerr=False) if user is not None else None
    chosen = state.dict.get("locale") if state is not None else None
    chosen = chosen or session.get("lang")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
