"""Bad input never answers 500: deep JSON is a 400, an extreme value makes only its item invalid."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.api.support import bearer, issue_token, push, wire_visit
from tests.factories import PASSWORD
from tests.helpers import csrf_token

DEPTH = 50_000


def _deep(depth: int = DEPTH) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def token(client, world) -> str:
    return issue_token(client)


def _post(client, path, data: bytes, token=None, **headers):
    if token:
        headers.update(bearer(token))
    return client.post(path, data=data, headers={"Content-Type": "application/json", **headers})


@pytest.mark.parametrize("path", ["/api/v1/sync/push", "/api/v1/tokens"])
def test_deeply_nested_json_is_a_400(client, token, path):
    auth = None if path.endswith("tokens") else token
    depth = 2_500 if path.endswith("tokens") else DEPTH  # the token request's body is 16 KiB at most
    for body in (_deep(depth), '{"a":' * depth + "1" + "}" * depth, "[" * 200 + "]" * 200):
        response = _post(client, path, body.encode(), auth)
        assert response.status_code == 400, response.status_code
        assert response.get_json()["error"]["code"] in ("too_deep", "malformed_json")


def test_deep_json_inside_gzip_and_inside_visits(client, token, world):
    body = gzip.compress(_deep().encode())
    response = _post(client, "/api/v1/sync/push", body, token, **{"Content-Encoding": "gzip"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "too_deep"
    inner = '{"device_id": "d", "visits": [' + _deep(DEPTH) + "]}"
    assert _post(client, "/api/v1/sync/push", inner.encode(), token).status_code == 400
    for array in ("accounts", "directions_done"):
        inner = f'{{"device_id": "d", "visits": [], "{array}": [' + _deep(DEPTH) + "]}"
        response = _post(client, "/api/v1/sync/push", inner.encode(), token)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "too_deep", array
    tokens = gzip.compress(_deep(2_500).encode())  # 5,000 bytes: under the token request's 16 KiB
    response = _post(client, "/api/v1/tokens", tokens, **{"Content-Encoding": "gzip"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "too_deep"
    shallow_but_nested = {"device_id": "d", "visits": [wire_visit(world.commune_a1,
                                                                  summary=json.loads(_deep(40)))]}
    response = push(client, token, shallow_but_nested["visits"])
    assert response.status_code == 400


EXTREMES = {
    "start_date": ["0001-01-01", "9999-12-31", "99999-01-01", "-0001-01-01", "2024-02-30", "", 20240101],
    "end_date": ["9999-12-31", "0000-00-00", "2024-13-01"],
    "client_updated_at": ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00",
                          "2024-01-01T00:00:00+99:00", "2024-01-01T25:00:00Z", 1e308, -1],
    "participants": [2**63, -(2**63) - 1, 10**100, 1e308, -1, 1.5, "12", None, True],
    "unit_id": [2**63, -1, 0, 10**30, 1.0, "1", None],
    "placement_id": [2**63, -5, 10**30],
    "base_version": [2**63, -1, 10**30],
    "topics": [[2**63], [-1], [10**30], [None], "x", [1] * 10_000],
    "summary": ["\x00", "a\x00b", "\ud800", "\x1b[31m", "\u202e", "x" * 100_000, 12, ["x"]],
    "findings": ["\x00\x01\x02", "\uffff"],
    "recommendations": ["\x7f\x00"],
    "form": ["\x00", "survey\x00", "x" * 10_000],
    "location": [{"lat": 1e308, "lon": 0}, {"lat": 0, "lon": -1e308},
                 {"lat": 0, "lon": 0, "accuracy_m": 1e308}, {"lat": "0", "lon": 0}, [1, 2], "here"],
    "id": ["not-a-uuid", "00000000-0000-0000-0000-00000000000\x00", 12, None],
}


@pytest.mark.parametrize("field", sorted(EXTREMES))
def test_an_extreme_value_makes_only_its_item_invalid(client, token, world, field):
    good = wire_visit(world.commune_a1, world.topic)
    bad = [{**wire_visit(world.commune_a1, world.topic), field: value} for value in EXTREMES[field]]
    body = json.dumps({"device_id": "d", "visits": [*bad, good]})
    response = _post(client, "/api/v1/sync/push", body.encode(), token)
    assert response.status_code == 200, (field, response.status_code, response.get_data(as_text=True)[:300])
    results = response.get_json()["results"]
    assert results[-1]["status"] in ("created", "accepted", "ok", "saved"), results[-1]
    for value, result in zip(EXTREMES[field], results[:-1], strict=True):
        assert result["status"] in ("invalid", "created"), (field, value, result)


def test_nan_and_infinity_are_not_json(client, token, world):
    for constant in ("NaN", "Infinity", "-Infinity"):
        visit = json.dumps(wire_visit(world.commune_a1)).replace('"participants": 25',
                                                                 f'"participants": {constant}')
        body = '{"device_id": "d", "visits": [' + visit + "]}"
        response = _post(client, "/api/v1/sync/push", body.encode(), token)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"


def test_sign_in_form_with_extreme_values_answers_a_page(client, world):
    cases = [(b"%00", b"x"), (b"a" * 10_000, b"b"), (b"admin", b"%00" * 300), (b"%ED%A0%80", b"x"),
             (b"%FF%FE", PASSWORD.encode()), (b"admin%00", PASSWORD.encode()), (b"", b""),
             (b"admin%C0%80", b"%F4%90%80%80")]
    for username, password in cases:
        token = csrf_token(client, "/auth/sign-in")
        body = b"username=" + username + b"&password=" + password + b"&csrf_token=" + token.encode()
        response = client.post("/auth/sign-in", data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code in (200, 400), (username[:10], response.status_code)
