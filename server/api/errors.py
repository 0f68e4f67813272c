"""Errors the API raises on purpose, answered in the one /api error envelope."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _

from server.errors import api_error


class ApiError(Exception):
    """A whole-request problem: status, a stable machine code, a translated message, field errors."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, Any] | None = None,
                 **extra: Any):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        #: more members of the error object, for the client to act on (e.g. ``offset``)
        self.extra = extra


def unauthorized(message: str | None = None) -> ApiError:
    return ApiError(401, "unauthorized", message or _("Please sign in."))


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def handle_api_error(error: ApiError) -> tuple[Response, int]:
    response, status = api_error(error.status, error.code, error.message, error.fields, **error.extra)
    if status == 401:
        # tells a client this is a token problem: keep the outbox, ask the user to sign in again
        response.headers["WWW-Authenticate"] = 'Bearer realm="dicoso"'
    return response, status
