"""Property: after any sequence of pushes, retries, in-batch duplicates, reorderings and edits,
every result is what the sync contract says and the server holds exactly the latest accepted
version of each visit."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.support import bearer, push, wire_visit

VISITS = 3
#: (visit index, base_version choice, content choice): a small domain, so equal content and
#: matching versions happen often and every branch of the contract is exercised
ITEM = st.tuples(st.integers(0, VISITS - 1), st.sampled_from([None, 1, 2, 3, "known"]), st.integers(0, 2))
BATCHES = st.lists(st.lists(ITEM, min_size=1, max_size=6), min_size=1, max_size=5)


def _content(choice: int) -> dict:
    return {"summary": f"nội dung {choice}", "participants": choice * 10}


def _expected(model: dict, visit_id: str, base, content: dict) -> tuple[str, int | None]:
    """The contract, on a model of the server: visit id → (version, content)."""
    current = model.get(visit_id)
    if current is None:
        if base is not None:
            return "invalid", None
        model[visit_id] = (1, content)
        return "created", 1
    version, stored = current
    if stored == content:
        return "unchanged", version
    if base != version:
        return "conflict", version
    model[visit_id] = (version + 1, content)
    return "updated", version + 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=BATCHES)
def test_the_server_keeps_the_latest_accepted_version(client, world, token, batches):
    ids = [str(uuid.uuid4()) for _ in range(VISITS)]  # fresh visits for every example
    template = wire_visit(world.commune_a1)
    model: dict[str, tuple[int, dict]] = {}
    known: dict[str, int] = {}  # the version each visit's device last heard of
    for batch in batches:
        items, expected = [], []
        for index, base_choice, content_choice in batch:
            visit_id = ids[index]
            base = known.get(visit_id) if base_choice == "known" else base_choice
            content = _content(content_choice)
            items.append({**template, **content, "id": visit_id, "base_version": base})
            expected.append((visit_id, *_expected(model, visit_id, base, content)))
        results = push(client, token, items).get_json()["results"]
        assert [(r["id"], r["status"], r["version"]) for r in results] == expected
        for result in results:
            if result["status"] in ("created", "updated", "unchanged", "conflict"):
                known[result["id"]] = result["version"]
    for visit_id in ids:
        response = client.get(f"/api/v1/visits/{visit_id}", headers=bearer(token))
        if visit_id not in model:
            assert response.status_code == 404
            continue
        version, content = model[visit_id]
        body = response.get_json()
        assert body["version"] == version
        assert {key: body[key] for key in content} == content
