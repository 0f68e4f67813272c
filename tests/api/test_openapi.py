"""The OpenAPI document (schemathesis runs against it in tests/api/test_fuzz.py)."""

from __future__ import annotations


def test_the_document_lists_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/api/v1/bootstrap", "/api/v1/openapi.json", "/api/v1/sync/pull",
                                  "/api/v1/sync/push", "/api/v1/tokens", "/api/v1/tokens/{token_id}",
                                  "/api/v1/tokens/current",
                                  "/api/v1/visits/{visit_id}", "/api/v1/visits/{visit_id}/photos",
                                  "/api/v1/photos/{photo_id}", "/api/v1/photos/{photo_id}/file",
                                  "/api/v1/photos/{photo_id}/thumbnail"} - {"/api/v1/openapi.json"}
    visit_in = spec["components"]["schemas"]["VisitIn"]
    assert visit_in["additionalProperties"] is False
    assert visit_in["properties"]["form"]["enum"] == ["survey", "activity", "inspection", "meeting"]
    assert visit_in["properties"]["summary"]["maxLength"] == 5000
    assert spec["paths"]["/api/v1/sync/push"]["post"]["responses"]["413"]
