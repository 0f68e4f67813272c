"""The shared plumbing of every /api/v1 blueprint."""

from __future__ import annotations

import gzip
import hashlib

from flask import Blueprint, Response, request
from flask_limiter.util import get_remote_address

from server.api.errors import ApiError, handle_api_error
from server.extensions import csrf

PREFIX = "/api/v1"
#: responses smaller than this are sent as they are: gzip would not pay for itself
GZIP_MIN_BYTES = 1024


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1 with the API's error envelope, CSRF rule and caching defaults.

    CSRF: the global check is off here; ``server.api.auth`` asks for the token itself when a
    state-changing request is authenticated by the session cookie rather than a bearer token.
    """
    bp = Blueprint(name, import_name, url_prefix=PREFIX)
    csrf.exempt(bp)
    bp.register_error_handler(ApiError, handle_api_error)
    bp.after_request(_finish_response)
    return bp


def _finish_response(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    if (
        "gzip" in (request.headers.get("Accept-Encoding") or "")
        and response.status_code == 200
        and not response.direct_passthrough
        and "Content-Encoding" not in response.headers
        and response.mimetype == "application/json"
    ):
        data = response.get_data()
        if len(data) >= GZIP_MIN_BYTES:
            response.set_data(gzip.compress(data, compresslevel=5))
            response.headers["Content-Encoding"] = "gzip"
            response.vary.add("Accept-Encoding")
    return response


def rate_limit_key() -> str:
    """Count a device token's requests per token, anyone else's per address."""
    header = request.headers.get("Authorization")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "addr:" + (get_remote_address() or "unknown")
