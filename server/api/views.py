"""/api/v1 routes that belong to no feature: the OpenAPI document."""

from __future__ import annotations

from flask import current_app, jsonify

from server.api.blueprint import api_blueprint

bp = api_blueprint("api", __name__)


@bp.get("/openapi.json")
def openapi():
    from server.api.openapi import build_spec

    spec = current_app.extensions.get("dicoso_openapi")
    if spec is None:
        spec = current_app.extensions["dicoso_openapi"] = build_spec(current_app)
    response = jsonify(spec)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
