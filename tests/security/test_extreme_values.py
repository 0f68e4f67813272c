"""Extreme values drawn by Hypothesis into every field of every kind of pushed item, the token
request, the pull query and the sign-in form: never a 500, and in a push only that item is
``invalid`` (or, when the value is acceptable after all, stored and readable). On SQLite and, with
TEST_DATABASE_URL, PostgreSQL. test_bad_input.py holds a fixed list of such values; this draws
new ones each example, from the families below (bounds of every integer type, floats at their
ends, control characters, lone surrogates, long texts, dates and times at years 1 and 9999 with
far offsets, impossible calendar days, wrong types).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.hearings.wire import AccountIn, DirectionDoneIn
from server.sync.schemas import PullQuery
from server.tokens.schemas import TokenRequest
from server.visits.wire import VisitIn
from tests.api.support import bearer, issue_token, wire_visit
from tests.factories import PASSWORD, open_directions
from tests.helpers import csrf_token

#: derandomized: the same values every run (a test that fails only sometimes is a defect);
#: run with --hypothesis-seed=N and derandomize off to explore others
SETTINGS = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])
ACCEPTED = {"created", "updated", "unchanged", "conflict", "locked"}

_INTS = st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**100])
_FLOATS = st.sampled_from([1e308, -1e308, 5e-324, -0.0, 0.5]) | st.floats(allow_nan=False,
                                                                           allow_infinity=False)
#: control characters, lone surrogates, formats and separators, private use: each as likely
_ODD_CHARS = st.one_of([st.characters(categories=[c]) for c in ("Cc", "Cs", "Cf", "Co", "Zl", "Zp")])
_TEXTS = (st.text(_ODD_CHARS, min_size=1, max_size=20) | st.text(_ODD_CHARS | st.characters(), max_size=40)
          | st.sampled_from(["x" * 100_000, "\x00", "\ud800", "a\udfffb", "\u202e", "\ufeff", " ", ""]))


def _offset(minutes: int) -> str:
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_YEARS = st.sampled_from([0, 1, 2, 1969, 2000, 9998, 9999, 10000, 99999, -1]) | st.integers(1, 9999)
_OFFSETS = (st.sampled_from(["Z", "+14:00", "-12:00", "+23:59", "-23:59", "+99:00", ""])
            | st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(_offset))
_DATES = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", _YEARS, st.integers(0, 13), st.integers(0, 32))
_ANY_TIMES = st.builds(lambda day, h, offset: f"{day}T{h:02d}:59:59.999999{offset}",
                       _DATES, st.integers(0, 25), _OFFSETS)
#: the first and last moments Python can hold, pushed past them by an offset (or not quite)
_EDGE_TIMES = st.one_of(
    st.integers(0, 23 * 60 + 59).map(lambda m: f"0001-01-01T00:00:00{_offset(m)}"),
    st.integers(-(23 * 60 + 59), 0).map(lambda m: f"9999-12-31T23:59:59.999999{_offset(m)}"),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: f"9999-12-30T12:00:00{_offset(m)}"))
_TIMES = _EDGE_TIMES | _ANY_TIMES
_MONTHS = st.builds(lambda y, m: f"{y:04d}-{m:02d}", _YEARS, st.integers(0, 13))
_WRONG = st.sampled_from([None, True, False, [], {}, [None], {"a": 1}, "1", "null"])
EXTREME = st.one_of(_INTS, st.integers(), _FLOATS, _TEXTS, _DATES, _TIMES, _MONTHS, _WRONG,
                    st.lists(_INTS | _TEXTS, max_size=3), st.uuids().map(str))
#: what each kind of field gets: mostly its own kind of extreme, sometimes anything
_BY_TYPE = {"DateTime": _TIMES, "Date": _DATES, "Integer": _INTS | st.integers(), "Float": _FLOATS,
            "String": _TEXTS, "MonthField": _MONTHS}


def extreme_for(schema, name: str) -> st.SearchStrategy:
    """Extremes for field ``name`` of ``schema`` (a ``location.x`` name: the location's field)."""
    if name.startswith("location."):
        return _FLOATS | EXTREME
    kinds = [cls.__name__ for cls in type(schema._declared_fields[name]).__mro__]
    own = next((_BY_TYPE[kind] for kind in kinds if kind in _BY_TYPE), EXTREME)
    return st.one_of(own, own, own, EXTREME)


@pytest.fixture
def cadre(app, client, world):
    """The cadre's token and an open direction of theirs."""
    from server.extensions import db

    with app.app_context():
        direction = open_directions(world, 1)[0]
        db.session.commit()
    return issue_token(client), direction


def _visit(world) -> dict:
    return wire_visit(world.commune_a1, world.topic)


def _account() -> dict:
    return {"id": str(uuid.uuid4()), "base_version": None, "month": date.today().strftime("%Y-%m"),
            "went_well": "Tốt", "difficulties": "", "proposals": ""}


def _done(direction: int) -> dict:
    return {"id": str(uuid.uuid4()), "direction_id": direction, "base_version": 1, "note": "Xong"}


def _spoiled(good: dict, name: str, value) -> dict:
    """``good`` with one field (``location.lat``: inside the location) set to ``value``."""
    if name.startswith("location."):
        return {**good, "location": {"lat": 21.0, "lon": 106.0, name.split(".")[1]: value}}
    return {**good, name: value}


def _spoil_each(schema, names: list[str], good, data: st.DataObject) -> list[dict]:
    """One item per field, that field drawn extreme, then one good item."""
    kind = type(schema).__name__
    return [_spoiled(good(), name, data.draw(extreme_for(schema, name), label=f"{kind}.{name}"))
            for name in names] + [good()]


VISIT_FIELDS = [*sorted(VisitIn._declared_fields), "location.lat", "location.lon", "location.accuracy_m"]


@SETTINGS
@given(data=st.data())
def test_an_extreme_value_in_any_field_of_any_item_spoils_only_that_item(client, world, cadre, data):
    token, direction = cadre
    visits = _spoil_each(VisitIn(), VISIT_FIELDS, lambda: _visit(world), data)
    accounts = _spoil_each(AccountIn(), sorted(AccountIn._declared_fields), _account, data)
    done = _spoil_each(DirectionDoneIn(), sorted(DirectionDoneIn._declared_fields),
                       lambda: _done(direction), data)
    body = json.dumps({"device_id": "d", "visits": visits, "accounts": accounts, "directions_done": done})
    response = client.post("/api/v1/sync/push", data=body, content_type="application/json",
                           headers=bearer(token))

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = response.get_json()
    assert answer["results"][-1]["status"] == "created", answer["results"][-1]
    assert answer["accounts"][-1]["status"] in ACCEPTED, answer["accounts"][-1]
    assert answer["directions_done"][-1]["status"] in ACCEPTED, answer["directions_done"][-1]
    for name, result in zip(VISIT_FIELDS, answer["results"], strict=False):
        assert result["status"] in {"invalid", *ACCEPTED}, (name, result)
        if result["status"] == "created":  # an acceptable extreme: it must read back
            got = client.get(f"/api/v1/visits/{result['id']}", headers=bearer(token))
            assert got.status_code == 200, (name, got.get_data(as_text=True)[:300])
    assert client.get("/api/v1/sync/pull?limit=500", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/bootstrap", headers=bearer(token)).status_code == 200


@settings(SETTINGS, max_examples=10)
@given(data=st.data())
def test_an_extreme_token_request_is_refused_not_a_500(client, world, data):
    """One field at a time (a bad username is refused before the password is looked at)."""
    good = {"username": "cadre", "password": PASSWORD, "device_name": "phone"}
    for name in sorted(good):
        body = {**good, name: data.draw(extreme_for(TokenRequest(), name), label=name)}
        response = client.post("/api/v1/tokens", data=json.dumps(body), content_type="application/json")
        assert response.status_code in (201, 400, 401), (name, response.get_data(as_text=True)[:300])


@SETTINGS
@given(data=st.data())
def test_an_extreme_pull_query_is_a_400_not_a_500(client, cadre, data):
    token, _direction = cadre
    query = {name: data.draw(extreme_for(PullQuery(), name), label=name)
             for name in ("since", "limit", "directions_since")}
    encoded = "&".join(f"{name}={quote_from_bytes(str(value).encode('utf-8', 'surrogatepass'))}"
                       for name, value in query.items())
    response = client.get(f"/api/v1/sync/pull?{encoded}", headers=bearer(token))
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]


@settings(SETTINGS, max_examples=15)
@given(username=st.binary(max_size=300) | st.just(b"cadre"), password=st.binary(max_size=300))
def test_the_sign_in_form_answers_a_message_for_any_bytes(client, world, username, password):
    token = csrf_token(client, "/auth/sign-in")
    body = (b"username=" + quote_from_bytes(username).encode() + b"&password="
            + quote_from_bytes(password).encode() + b"&csrf_token=" + token.encode())
    response = client.post("/auth/sign-in", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.status_code
    assert 'class="error"' in response.get_data(as_text=True)  # a message by the field
