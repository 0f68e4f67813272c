"""The OpenAPI document, and schemathesis against it: no server error, no off-schema answer."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.support import bearer


def test_the_document_lists_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/api/v1/bootstrap", "/api/v1/openapi.json", "/api/v1/sync/pull",
                                  "/api/v1/sync/push", "/api/v1/tokens", "/api/v1/tokens/{token_id}",
                                  "/api/v1/visits/{visit_id}", "/api/v1/visits/{visit_id}/photos",
                                  "/api/v1/photos/{photo_id}", "/api/v1/photos/{photo_id}/file",
                                  "/api/v1/photos/{photo_id}/thumbnail"} - {"/api/v1/openapi.json"}
    visit_in = spec["components"]["schemas"]["VisitIn"]
    assert visit_in["additionalProperties"] is False
    assert visit_in["properties"]["form"]["enum"] == ["survey", "activity", "inspection", "meeting"]
    assert visit_in["properties"]["summary"]["maxLength"] == 5000
    assert spec["paths"]["/api/v1/sync/push"]["post"]["responses"]["413"]


OPERATIONS = [
    ("GET", "/api/v1/bootstrap"), ("GET", "/api/v1/sync/pull"), ("POST", "/api/v1/sync/push"),
    ("GET", "/api/v1/visits/{visit_id}"), ("GET", "/api/v1/tokens"), ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{token_id}"), ("POST", "/api/v1/visits/{visit_id}/photos"),
    ("GET", "/api/v1/photos/{photo_id}"), ("PATCH", "/api/v1/photos/{photo_id}"),
    ("DELETE", "/api/v1/photos/{photo_id}"), ("GET", "/api/v1/photos/{photo_id}/file"),
    ("GET", "/api/v1/photos/{photo_id}/thumbnail"),
]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_conforms_to_its_schema(app, world, token, method, path):
    """Generated requests (valid and not) with a live token, run in-process through WSGI."""
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case):
        # the in-process WSGI transport does not decode gzip
        case.call_and_validate(headers={**bearer(token), "Accept-Encoding": "identity"}, checks=CHECKS)

    check()
