"""One JSON error envelope under /api, HTML error pages elsewhere."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError


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


def handle_unexpected(error: Exception):
    """Never show a stack trace: log it, answer like any other server error."""
    from server.extensions import db

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_error(InternalServerError(original_exception=error))


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
