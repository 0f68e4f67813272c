"""schemathesis over the whole API: at least 1,000 generated requests a run, on SQLite and on
PostgreSQL (TEST_DATABASE_URL), no 5xx and nothing off the document, responses included.

The run (tests/api/fuzzing.py) drives every operation that /api/v1/openapi.json lists, a new one
included as soon as it is documented, with valid and invalid requests, as a cadre who has visits
in every review state, directions, an account and tokens. The seed is fixed so that a run is
repeatable; set FUZZ_SEED to explore others, and use bench/fuzz_api.py for longer runs.
"""

from __future__ import annotations

import os

from tests.api.fuzzing import ApiFuzzer, seed

#: generated requests per operation and mode (valid, invalid); POST /tokens gets a quarter
EXAMPLES = 100
#: state machine runs, of up to 6 steps each
STATEFUL_SCENARIOS = 25
MINIMUM_REQUESTS = 1_000


def test_schemathesis_over_every_operation(app, world):
    """Every operation with valid and invalid requests, then chains of calls along the links
    schemathesis infers from the document (a pushed visit's id read back, a listed token revoked,
    a bootstrap's direction marked done); every answer checked."""
    fuzzer = ApiFuzzer(app, seed(app, world))
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item}
    assert {operation.label for operation in fuzzer.operations} == documented

    tally = fuzzer.run(EXAMPLES, seed=int(os.environ.get("FUZZ_SEED", "12")))
    fuzzer.run_stateful(STATEFUL_SCENARIOS, derandomize=True, tally=tally)

    assert tally.requests >= MINIMUM_REQUESTS, tally.summary()
    assert set(tally.by_operation) == documented, tally.summary()
    assert tally.stateful_steps >= STATEFUL_SCENARIOS, tally.summary()
    assert tally.server_errors == 0, tally.summary()
    assert not tally.failures, tally.summary()
    # the requests reached the data, not only the refusals
    assert {200, 201, 204, 304, 400, 401, 404} <= set(tally.statuses), tally.summary()
    assert {"results:created", "results:updated", "results:locked", "accounts:created",
            "accounts:conflict", "directions_done:updated"} <= set(tally.items), tally.summary()
