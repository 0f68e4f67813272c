"""Whole-request problems: one JSON error envelope, never HTML, never a stack trace."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.api.support import bearer, wire_visit


def _assert_envelope(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)
    return error


def _post(client, token, data: bytes, content_type="application/json", **headers):
    return client.post("/api/v1/sync/push", data=data, content_type=content_type,
                       headers={**bearer(token), **headers})


def test_not_json_is_415(client, token):
    _assert_envelope(_post(client, token, b"device_id=x", "application/x-www-form-urlencoded"), 415)
    _assert_envelope(_post(client, token, b"{}", "text/plain"), 415)
    _assert_envelope(_post(client, token, b"{}", **{"Content-Encoding": "br"}), 415)


def test_malformed_json_and_envelope_are_400(client, token):
    _assert_envelope(_post(client, token, b'{"device_id": "x", "visits": ['), 400, "malformed_json")
    _assert_envelope(_post(client, token, b'{"device_id": NaN, "visits": []}'), 400, "malformed_json")
    _assert_envelope(_post(client, token, b"\xff\xfe"), 400, "malformed_json")
    for body in ([], {"visits": []}, {"device_id": "x"}, {"device_id": "", "visits": []},
                 {"device_id": "x", "visits": {}}, {"device_id": "x", "visits": [], "extra": 1}):
        error = _assert_envelope(_post(client, token, json.dumps(body).encode()), 400, "bad_envelope")
        assert error["message"] == "Không hiểu được yêu cầu."
    error = _assert_envelope(_post(client, token, b'{"visits": []}'), 400)
    assert error["fields"] == {"device_id": ["Thiếu dữ liệu cho trường bắt buộc."]}


def test_gzip_bodies_are_accepted(client, world, token):
    body = json.dumps({"device_id": "d", "visits": [wire_visit(world.commune_a1)]}).encode()
    response = _post(client, token, gzip.compress(body), **{"Content-Encoding": "gzip"})
    assert response.status_code == 200 and response.get_json()["results"][0]["status"] == "created"
    _assert_envelope(_post(client, token, b"not gzip", **{"Content-Encoding": "gzip"}), 400, "bad_encoding")
    _assert_envelope(_post(client, token, gzip.compress(body)[:-10], **{"Content-Encoding": "gzip"}), 400)


def test_size_limits_are_413_also_after_decompression(client, world, token):
    big = json.dumps({"device_id": "d", "visits": [], "pad": "x" * (1024 * 1024)}).encode()
    _assert_envelope(_post(client, token, big), 413)
    bomb = gzip.compress(b'{"device_id": "d", "visits": [], "pad": "' + b"0" * (50 * 1024 * 1024) + b'"}')
    assert len(bomb) < 100_000
    _assert_envelope(_post(client, token, bomb, **{"Content-Encoding": "gzip"}), 413)
    over_app_limit = b" " * (3 * 1024 * 1024)
    _assert_envelope(_post(client, token, over_app_limit), 413)
    visits = [wire_visit(world.commune_a1) for _ in range(201)]
    error = _assert_envelope(_post(client, token, json.dumps({"device_id": "d", "visits": visits}).encode()),
                             413, "too_many_visits")
    assert "200" in error["message"]


def test_a_full_batch_of_200_is_accepted(client, world, token):
    visits = [wire_visit(world.commune_a1) for _ in range(200)]
    response = _post(client, token, json.dumps({"device_id": "d", "visits": visits}).encode())
    assert [r["status"] for r in response.get_json()["results"]] == ["created"] * 200


def test_missing_token_is_401(client, world):
    _assert_envelope(client.post("/api/v1/sync/push", json={"device_id": "d", "visits": []}), 401)
    _assert_envelope(client.get("/api/v1/sync/pull"), 401)
    _assert_envelope(client.get("/api/v1/bootstrap"), 401, "unauthorized")


def test_unknown_routes_and_methods_answer_json(client, token):
    _assert_envelope(client.get("/api/v1/nowhere", headers=bearer(token)), 404)
    _assert_envelope(client.put("/api/v1/sync/push", headers=bearer(token)), 405)
    _assert_envelope(client.get("/api/v1/sync/push", headers=bearer(token)), 405)


def test_a_session_cookie_cannot_push_without_csrf(client, auth, world):
    auth.sign_in("cadre")
    response = client.post("/api/v1/sync/push", json={"device_id": "d", "visits": []})
    _assert_envelope(response, 400, "csrf")


def test_a_server_error_is_json_without_a_trace(client, token, monkeypatch):
    from server.sync import services

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "pull_changes", boom)
    response = client.get("/api/v1/sync/pull", headers=bearer(token))
    error = _assert_envelope(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert error["code"] == "internal_server_error"


@pytest.mark.parametrize("limit_name", ["API_PUSH_RATE_LIMIT"])
def test_push_is_rate_limited_per_token(make_app, world, limit_name):
    from tests.api.support import issue_token

    app = make_app(RATELIMIT_ENABLED=True, **{limit_name: "2 per minute"})
    client = app.test_client()
    token = issue_token(client)
    statuses = [client.post("/api/v1/sync/push", json={"device_id": "d", "visits": []},
                            headers=bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    other = issue_token(client, "cadre2")
    assert client.post("/api/v1/sync/push", json={"device_id": "d", "visits": []},
                       headers=bearer(other)).status_code == 200


def test_big_responses_are_gzipped_when_asked(client, world, token):
    visits = [wire_visit(world.commune_a1) for _ in range(50)]
    client.post("/api/v1/sync/push", json={"device_id": "d", "visits": visits}, headers=bearer(token))
    response = client.get("/api/v1/sync/pull", headers={**bearer(token), "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["visits"]) == 50
