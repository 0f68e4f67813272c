"""The OpenAPI document, generated with apispec from the routes and their marshmallow schemas.

Views carry their operation (``@document(...)``); the document walks the live URL map, so a route
without documentation is simply absent and a documented one cannot point at a stale path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema, fields

F = TypeVar("F", bound=Callable)

_DESCRIPTIONS = {
    "400": "Malformed request: not valid JSON or gzip, nested too deeply, a bad envelope, query or "
           "token request, or a session-cookie request without its CSRF token",
    "401": "No, unknown, revoked, idle or expired device token (or a wrong password)",
    "403": "Not allowed",
    "404": "Not found (also someone else's)",
    "409": "The server's state forbids it (see the code)",
    "413": "Body too large (over its limit after decompression) or too many items",
    "415": "Not JSON, or an unsupported Content-Encoding",
    "422": "Refused content (see the code and fields)",
    "429": "Too many requests (or too many wrong passwords)",
    "503": "Busy, retry",
}
#: headers an error answer always carries, by status
_ERROR_HEADERS = {
    "401": {"WWW-Authenticate": {"description": "Bearer realm=\"dicoso\": sign the device in again",
                                 "schema": {"type": "string"}}},
}


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(required=True, data_key="fields")


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


def json_body(schema: type[Schema] | Schema, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def responses(ok: dict[str, dict], *errors: int) -> dict[str, Any]:
    """An operation's responses: the successful ones given, each error status in the envelope."""
    out: dict[str, Any] = dict(ok)
    for status in errors:
        out[str(status)] = json_body(ErrorSchema, _DESCRIPTIONS[str(status)])
        if str(status) in _ERROR_HEADERS:
            out[str(status)]["headers"] = _ERROR_HEADERS[str(status)]
    return out


def document(**operation: Any) -> Callable[[F], F]:
    """Attach an OpenAPI operation object to a view."""

    def decorator(view: F) -> F:
        view._openapi = operation  # type: ignore[attr-defined]
        return view

    return decorator


def _path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


_ANY_OBJECT = {"type": "object", "nullable": True}


def _only_null(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """apispec writes a nullable nested schema (OpenAPI 3.0) as ``anyOf: [any object, the
    schema]``, and that first branch let every object through (``"location": {}`` was valid by the
    document, invalid by the server). Only null may take it."""
    if "anyOf" not in ret:
        return {}
    return {"anyOf": [{**branch, "enum": [None]} if branch == _ANY_OBJECT else branch
                      for branch in ret["anyOf"]]}


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3 document of every documented /api/v1 route."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="dicoso sync API", version="1", openapi_version="3.0.3",
        plugins=[marshmallow],
        info={"description": "Offline-first sync of grassroots visits. Authenticate with "
                             "Authorization: Bearer <device token> (POST /api/v1/tokens)."},
        security=[{"bearer": []}],
    )
    marshmallow.converter.add_attribute_function(_only_null)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        operation = getattr(app.view_functions[rule.endpoint], "_openapi", None)
        if operation is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = dict(operation)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
