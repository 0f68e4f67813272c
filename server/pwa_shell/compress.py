"""Gzip text responses: the visit form and its shell must load fast over GPRS."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json",
                "image/svg+xml")
MIN_SIZE = 500


def _compress(response: Response) -> Response:
    if (
        response.status_code < 200 or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or request.path.startswith("/api/")  # the API blueprint compresses (and ETags) its own
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or (response.is_streamed and not response.direct_passthrough)
    ):
        return response
    response.direct_passthrough = False  # files from send_file: read them so they can be compressed
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:  # a different body needs a different strong validator
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_compress)
