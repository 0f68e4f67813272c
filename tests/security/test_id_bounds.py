"""No id too large for the database answers 500: every route of the URL map, walked with ids past
PostgreSQL's integer (2^31), SQLite's (2^63) and any 64-bit integer (2^64), in the path (one id at
a time, the others real) and in the query string and form fields that carry ids, signed in as an
admin and as a cadre. On SQLite and, with TEST_DATABASE_URL, PostgreSQL.

The routes are bound by the ``id`` URL converter (an id past the range is a 404 before the view
runs) and query and form ids by ``server.ids.to_id`` (see server/ids.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.routing.converters import IntegerConverter

from server.extensions import db
from server.ids import MAX_ID, IdConverter, to_id
from server.planning.models import Plan
from tests.helpers import csrf_token
from tests.security.test_access_matrix import _route_args, matrix_world  # noqa: F401  (a fixture)

HUGE = (2**31, 2**63, 2**64)
#: the query and form fields of the app that carry an id (reports' ?unit=, the admin's ?parent=,
#: the audit's ?before= and ?actor=, selects of units, cadres, topics, directions …)
ID_FIELDS = ("unit", "plan", "parent", "before", "actor", "cadre", "user", "unit_id", "topic_id",
             "cadre_id", "parent_id", "successor_id", "new_parent_id", "placement_id", "covered_unit_id",
             "direction_id", "sources", "unit_ids", "topic_ids", "topics", "directions", "exemption_id")
#: values that make the forms otherwise valid, so that their id fields are read
FILLER = {"text": "Chỉ đạo thử", "due_date": date.today().isoformat(), "conclusion": "Kết luận thử",
          "month": date.today().strftime("%Y-%m"), "held_on": date.today().isoformat(), "chair": "Chủ Trì",
          "start_date": date.today().isoformat(), "end_date": date.today().isoformat(), "form": "survey",
          "summary": "Thử", "name": "Đơn vị thử", "kind": "commune", "year": "2024", "minimum_days": "10",
          "title": "Kế hoạch", "reason": "Thử", "name_vi": "Chủ đề", "name_en": "Topic", "on": "2024-01-01",
          "username": "thu", "full_name": "Người Thử", "role": "cadre", "tasks": "Một việc", "note": "Xong",
          "counting": "approved", "first": "2024-01-01", "last": "2024-12-31"}


def _id_arguments(rule) -> list[str]:
    return [name for name, converter in rule._converters.items()
            if isinstance(converter, IntegerConverter) or name.endswith("_id")]


def _url(app, rule, args: dict) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **{k: v for k, v in args.items() if k in rule.arguments})


def _walk(app, client, ids) -> list[str]:
    """Every rule and method with huge ids; the requests that answered 5xx."""
    token = csrf_token(client, "/auth/password")
    failures = []
    valid = _route_args("", ids)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("auth.sign_out", "static", "pwa_shell.asset"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            refused = False
            for huge in HUGE:
                fields = {name: str(huge) for name in ID_FIELDS}
                # each id of the path in turn, the others real (so the deeper ids are reached too);
                # then the real path with every id field of the query string and the form out of range
                urls = [_url(app, rule, {**valid, name: huge}) for name in _id_arguments(rule)]
                urls.append(_url(app, rule, valid))
                for url in urls:
                    kwargs: dict = {"query_string": fields}
                    if method != "GET" and url.startswith("/api/"):
                        kwargs["json"] = {**FILLER, **{k: huge for k in ID_FIELDS}}
                        kwargs["headers"] = {"X-CSRFToken": token}
                    elif method != "GET":
                        kwargs["data"] = {**FILLER, **fields, "csrf_token": token}
                    response = client.open(url, method=method, **kwargs)
                    refused |= response.status_code == 400
                    if response.status_code >= 500:
                        failures.append(f"{method} {url}?{'&'.join(fields)} → {response.status_code}")
            if method == "GET" and refused:  # each query field alone: one's error hid the others
                url = _url(app, rule, valid)
                for name in ID_FIELDS:
                    response = client.get(url, query_string={name: str(2**63)})
                    if response.status_code >= 500:
                        failures.append(f"GET {url}?{name}={2**63} → {response.status_code}")
    return failures


@pytest.mark.parametrize("actor", ["admin", "cadre"])
def test_no_route_answers_5xx_to_an_id_out_of_range(app, matrix_world, actor):  # noqa: F811
    from tests.conftest import AuthActions

    client = app.test_client()
    AuthActions(client).sign_in(actor)
    failures = _walk(app, client, matrix_world)
    assert not failures, failures


def test_every_id_route_uses_the_id_converter(app):
    """An ``<int:…>`` id would take any number again: every integer in a route is an id."""
    plain = [rule.rule for rule in app.url_map.iter_rules()
             for converter in rule._converters.values()
             if isinstance(converter, IntegerConverter) and not isinstance(converter, IdConverter)]
    assert not plain


@pytest.mark.parametrize("path", ["/hearings/{}", "/hearings/{}/report.docx", "/hearings/month/{}/2024-01",
                                  "/admin/users/{}", "/admin/units/{}"])
def test_an_id_out_of_range_is_not_found(client, auth, world, path):
    auth.sign_in("admin")
    for bad in (*HUGE, 0, MAX_ID + 1):
        assert client.get(path.format(bad)).status_code == 404, (path, bad)


def test_report_unit_out_of_range_is_a_clear_400(app, client, auth, world):
    with app.app_context():
        db.session.add(Plan(year=date.today().year, title="Kế hoạch thử", minimum_days=10))
        db.session.commit()
    auth.sign_in("sup")
    for report in ("year", "coverage", "placements", "visits"):
        response = client.get(f"/reports/{report}?unit={2**31}")
        assert response.status_code == 400, report
        assert "2147483647" in response.get_data(as_text=True), report  # the message says the range


def test_to_id_takes_only_ids():
    assert to_id("1") == 1 and to_id(str(MAX_ID)) == MAX_ID and to_id(7) == 7
    for bad in ("0", "-1", str(MAX_ID + 1), str(2**64), "1.5", "", "x", None, True):
        with pytest.raises((ValueError, TypeError)):
            to_id(bad)
