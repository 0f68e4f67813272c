"""What fuzzing the API found, one regression test each (see docs/reliability.md, "schemathesis")."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.support import bearer, push, wire_visit
from tests.conftest import ON_POSTGRES
from tests.factories import PASSWORD, open_directions

#: times with no UTC form in Python (year 0 or 10000 once the offset is applied), and times that
#: have one but that a database session far from UTC could not show
NO_UTC_FORM = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-23:59"]
AT_THE_EDGE = ["9999-12-31T23:59:59+00:00", "9999-12-31T12:00:00+14:00", "0001-01-01T00:00:00Z",
               "0001-01-01T11:00:00-12:00"]


def test_a_timestamp_without_a_utc_form_makes_only_its_item_invalid(app, client, token, world):
    """It was a 500 for the whole batch (OverflowError in astimezone), visits, accounts and
    directions done alike."""
    with app.app_context():
        direction = open_directions(world, 1)[0]
        from server.extensions import db

        db.session.commit()
    bad = NO_UTC_FORM + AT_THE_EDGE
    visits = [wire_visit(world.commune_a1, client_updated_at=moment) for moment in bad]
    accounts = [{"id": str(uuid.uuid4()), "base_version": None, "month": date.today().strftime("%Y-%m"),
                 "client_updated_at": moment} for moment in bad]
    done = [{"id": str(uuid.uuid4()), "direction_id": direction, "base_version": 1, "done_at": moment}
            for moment in bad]
    good = wire_visit(world.commune_a1)
    response = client.post("/api/v1/sync/push", headers=bearer(token), json={
        "device_id": "d", "visits": [*visits, good], "accounts": accounts, "directions_done": done})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert [r["status"] for r in body["results"]] == ["invalid"] * len(bad) + ["created"]
    assert body["results"][0]["errors"] == {"client_updated_at": ["Không phải thời điểm hợp lệ."]}
    assert {r["status"] for r in body["accounts"]} == {"invalid"}
    assert {r["status"] for r in body["directions_done"]} == {"invalid"}
    assert body["directions_done"][0]["errors"] == {"done_at": ["Không phải thời điểm hợp lệ."]}


def test_timestamps_are_kept_in_utc_up_to_the_last_day_a_far_zone_can_show(client, token, world):
    visit = wire_visit(world.commune_a1, client_updated_at="9999-12-30T05:00:00-07:00")
    assert push(client, token, [visit]).get_json()["results"][0]["status"] == "invalid"
    visit["client_updated_at"] = "9999-12-29T22:00:00-01:00"  # 9999-12-29T23:00Z
    assert push(client, token, [visit]).get_json()["results"][0]["status"] == "created"
    got = client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(token)).get_json()
    assert got["client_updated_at"] == "9999-12-29T23:00:00+00:00"


@pytest.mark.postgres
def test_the_earliest_and_latest_timestamps_read_back_in_any_session_time_zone(make_app, world):
    """A PostgreSQL session in +14:00 or -12:00 renders the stored timestamps in that zone; psycopg
    refuses years outside 1..9999 ("timestamp too large (after year 10K)"), so one visit stamped
    9999-12-31T23:00Z used to turn every later pull of its cadre into a 500. Kept timestamps stop
    short of that; one day further is invalid."""
    from tests.api.support import issue_token

    for zone, moment, beyond in (("Pacific/Kiritimati", "9999-12-30T00:00:00Z", "9999-12-31T23:00:00Z"),
                                 ("Etc/GMT+12", "0001-01-02T00:00:00Z", "0001-01-01T01:00:00Z")):
        app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-c timezone={zone}"}})
        client = app.test_client()
        token = issue_token(client)
        too_far = wire_visit(world.commune_a1, client_updated_at=beyond)
        assert push(client, token, [too_far]).get_json()["results"][0]["status"] == "invalid"
        visit = wire_visit(world.commune_a1, client_updated_at=moment)
        assert push(client, token, [visit]).get_json()["results"][0]["status"] == "created"
        got = client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(token))
        assert got.status_code == 200, got.get_data(as_text=True)
        pulled = client.get("/api/v1/sync/pull", headers=bearer(token))
        assert pulled.status_code == 200


def test_a_password_with_a_lone_surrogate_is_a_400_not_a_500(client, world):
    """JSON may spell a lone surrogate; the password hash could not encode it (a 500)."""
    for username in ("cadre", "nobody"):
        body = json.dumps({"username": username, "password": "\ud800" + PASSWORD, "device_name": "x"})
        response = client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert response.status_code == 400, response.status_code
        assert list(response.get_json()["error"]["fields"]) == ["password"]
    # a NUL is a character like another in a password: wrong, not malformed
    body = json.dumps({"username": "cadre", "password": "\x00" + PASSWORD, "device_name": "x"})
    assert client.post("/api/v1/tokens", data=body, content_type="application/json").status_code == 401


def test_text_fields_state_the_nul_rule_in_the_document(client):
    """Schema-valid requests used to be refused: any string was documented, NUL was refused."""
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for name, field in [("VisitIn", "summary"), ("VisitIn", "findings"), ("AccountIn", "went_well"),
                        ("DirectionDoneIn", "note"), ("PushRequest", "device_id"),
                        ("TokenRequest", "username"), ("TokenRequest", "device_name")]:
        assert schemas[name]["properties"][field]["pattern"] == "^[^\\x00]*$", (name, field)
    assert "pattern" not in schemas["TokenRequest"]["properties"]["password"]


def test_401_answers_document_and_carry_www_authenticate(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "401" in operation["responses"]:
                assert "WWW-Authenticate" in operation["responses"]["401"]["headers"], (method, path)
    response = client.get("/api/v1/tokens")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.skipif(ON_POSTGRES, reason="the same on both; once is enough")
def test_reading_and_revoking_tokens_are_rate_limited_like_the_other_reads(make_app, world):
    """They were documented with 429 but had no limit at all."""
    from tests.api.support import issue_token

    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    token = issue_token(client)
    statuses = [client.get("/api/v1/tokens", headers=bearer(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = issue_token(client, device="other")
    statuses = [client.delete("/api/v1/tokens/999", headers=bearer(other)).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_nullable_nested_schema_admits_null_not_any_object(client):
    """apispec documented ``location`` as anyOf [any object, Location]: schemathesis sent
    ``{"location": {"x": 1}}`` as valid data and the server, rightly, refused it."""
    spec = client.get("/api/v1/openapi.json").get_json()
    branches = []

    def walk(node):
        if isinstance(node, dict):
            branches.extend(node.get("anyOf", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert {"$ref": "#/components/schemas/Location"} in branches
    loose = [b for b in branches if "$ref" not in b and b.get("enum") != [None]]
    assert not loose, loose


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # the app is only read
@given(text=st.from_regex(r"\A-?[0-9]{1,5}-[0-9]{1,3}\Z") | st.text(max_size=10))
def test_the_documented_month_pattern_is_what_the_server_reads(app, text):
    """A month was documented as any string; schemathesis' valid accounts were refused."""
    from marshmallow import Schema, ValidationError

    from server.hearings.wire import MONTH_PATTERN, MonthField

    class Month(Schema):
        month = MonthField()

    with app.test_request_context():
        try:
            Month().load({"month": text})
            read = True
        except ValidationError:
            read = False
    assert bool(re.match(MONTH_PATTERN, text)) == read, text


def test_the_document_gives_the_month_pattern(client):
    from server.hearings.wire import MONTH_PATTERN

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["AccountIn"]["properties"]["month"]["pattern"] == MONTH_PATTERN
