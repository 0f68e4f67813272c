"""The shared plumbing of every /api/v1 blueprint."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request
from flask_limiter.util import get_remote_address

from server.api.errors import ApiError, handle_api_error
from server.extensions import csrf

PREFIX = "/api/v1"


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
    """API answers are per caller and change with every sync: no cache may keep them.
    (Compression is app-wide, by Flask-Compress.)"""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def rate_limit_key() -> str:
    """Count a device token's requests per token, anyone else's per address."""
    header = request.headers.get("Authorization")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "addr:" + (get_remote_address() or "unknown")
