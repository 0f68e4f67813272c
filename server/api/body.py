"""Reading JSON request bodies: JSON only, gzip allowed, size limited after decompression."""

from __future__ import annotations

import json
import zlib
from typing import Any

from flask import request
from flask_babel import gettext as _

from server.api.errors import ApiError

MIB = 1024 * 1024


def _too_large() -> ApiError:
    return ApiError(413, "too_large", _("The request is too large."))


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress a gzip body, stopping as soon as it passes ``limit`` (a zip bomb costs nothing)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise _too_large()
        out += inflater.flush()
    except zlib.error as error:
        raise ApiError(400, "bad_encoding", _("The body is not valid gzip.")) from error
    if len(out) > limit:
        raise _too_large()
    if not inflater.eof:
        raise ApiError(400, "bad_encoding", _("The body is not valid gzip."))
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


#: no request of this API nests deeper than a few levels; anything deeper is refused before use
MAX_DEPTH = 32


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests containers more than ``limit`` deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _too_deep() -> ApiError:
    return ApiError(400, "too_deep", _("The body nests too deeply."))


def read_json(limit: int = MIB) -> Any:
    """The request's JSON body; 415 if not JSON, 413 if over ``limit`` bytes, 400 if malformed."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", _("Send JSON with Content-Type: application/json."))
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise ApiError(415, "unsupported_encoding", _("Send the body plain or gzip-encoded."))
    if request.content_length is not None and encoding == "identity" and request.content_length > limit:
        raise _too_large()
    data = request.get_data(cache=False)
    if encoding == "gzip":
        data = _gunzip(data, limit)
    if len(data) > limit:
        raise _too_large()
    try:
        body = json.loads(data, parse_constant=_reject_constant)
    except RecursionError as error:  # the parser recurses once per level: tens of thousands overflow
        raise _too_deep() from error
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "malformed_json", _("The body is not valid JSON.")) from error
    # a body that parsed may still be deep enough to overflow whatever walks it next (validation)
    if _depth_exceeds(body, MAX_DEPTH):
        raise _too_deep()
    return body
