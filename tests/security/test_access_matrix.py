"""Every route × method × actor has its expected outcome in one table (generated from the URL map).

A route missing from ``EXPECTED`` fails the test: whoever adds a route decides who may use it.
Codes, one letter per actor in ``ACTORS`` order:
  P  answered (anything but a refusal; a form without valid data may answer 400)
  L  sign in first (pages: redirect to the sign-in page; API: 401)
  F  forbidden (403)
  N  not found (404): the object exists but is not the actor's to see
Other people's objects answer 404; nothing answers 500.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.auth.models import Role, User
from server.auth.services import create_user
from server.exports.models import ExportChunk
from server.exports.services import create_job
from server.extensions import db
from server.planning.models import Placement, Plan
from server.tokens.services import issue_token
from server.units.models import Unit
from tests.factories import PASSWORD, make_hearing, make_supervisor, make_visit, open_directions, review_visit
from tests.helpers import csrf_token
from tests.photos.support import make_photo

ACTORS = ("anonymous", "cadre", "cadre2", "tapsu", "supa", "supb", "admin")

EXPECTED: dict[str, dict[str, str]] = {
    # endpoint: {method: anonymous, cadre A, cadre B, probationary, sup of A, sup elsewhere, admin}
    "admin.assignment_end": {"POST": "LFFFFFN"},
    "admin.assignments": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.import_apply": {"POST": "LFFFFFP"},
    "admin.import_csv": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.import_passwords_csv": {"POST": "LFFFFFP"},  # slips as CSV, posted back from their page
    "admin.import_template": {"GET": "LFFFFFP"},
    "admin.index": {"GET": "LFFFFFP"},
    "admin.placement_edit": {"GET": "LFFFFFP", "POST": "LFFFFFP"},  # the probationary cadre's placement
    "admin.placements": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.plan_edit": {"GET": "LFFFFFN", "POST": "LFFFFFN"},
    "admin.plan_exempt": {"POST": "LFFFFFN"},
    "admin.plan_unexempt": {"POST": "LFFFFFN"},
    "admin.plans": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.token_revoke": {"POST": "LFFFFFP"},
    "admin.tokens": {"GET": "LFFFFFP"},
    "admin.tokens_revoke_all": {"POST": "LFFFFFP"},
    "admin.topic_edit": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.topic_toggle": {"POST": "LFFFFFP"},
    "admin.topics": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.unit_edit": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.unit_letterhead": {"GET": "LFFFFFP", "POST": "LFFFFFP"},  # issuing body and signer
    "admin.unit_merge": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.unit_new": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.unit_retire": {"POST": "LFFFFFP"},
    "admin.units": {"GET": "LFFFFFP"},
    "admin.user_deactivate": {"POST": "LFFFFFP"},
    "admin.user_edit": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.user_new": {"GET": "LFFFFFP", "POST": "LFFFFFP"},
    "admin.user_reactivate": {"POST": "LFFFFFP"},
    "admin.user_reset_password": {"POST": "LFFFFFP"},
    "admin.user_reset_two_factor": {"POST": "LFFFFFP"},
    "admin.users": {"GET": "LFFFFFP"},
    "api.openapi": {"GET": "PPPPPPP"},
    "audit.index": {"GET": "LFFFFFP"},
    "auth.change_password": {"GET": "LPPPPPP", "POST": "LPPPPPP"},
    "auth.language": {"POST": "PPPPPPP"},
    "auth.sign_in": {"GET": "PPPPPPP", "POST": "PPPPPPP"},
    "auth.sign_out": {"POST": "LLLLLLL"},  # always ends on the sign-in page
    "hearings.account": {"GET": "LPPPPPP", "POST": "LPPPPPP"},  # one's own monthly account
    "hearings.add_direction": {"POST": "LFFFPNP"},  # the hearing is district A's
    "hearings.conclusion": {"POST": "LFFFPNP"},
    "hearings.done": {"POST": "LPNNNNN"},  # cadre A's direction: only cadre A closes it
    "hearings.edit_direction": {"POST": "LFFFPNP"},
    "hearings.index": {"GET": "LFFFPPP", "POST": "LFFFPPP"},
    "hearings.mine": {"GET": "LPPPPPP"},
    "hearings.my_month": {"GET": "LPPPPPP"},  # one's own month
    "hearings.month": {"GET": "LPNNPNP"},  # cadre A's month: cadre A and A's reviewers
    "hearings.report": {"GET": "LFFFPNP"},
    "hearings.report_job": {"POST": "LFFFPNP"},  # a short report: sent on to its download
    "hearings.show": {"GET": "LFFFPNP"},
    "regime.rules": {"GET": "LPPPPPP"},  # how dicoso counts: for everyone signed in
    "home.index": {"GET": "LPPPPPP"},
    # one's own devices (a POST without the password is a form with errors, 400; someone else's
    # ids are not valid choices: tests/devices)
    "devices.index": {"GET": "LPPPPPP", "POST": "LPPPPPP"},
    # report exports: district A's supervisor's finished job is theirs alone, admins included; an
    # empty form is refused (400) once the role is checked
    "exports.download": {"GET": "LFFFPNN"},
    "exports.index": {"GET": "LFFFPPP"},
    "exports.show": {"GET": "LFFFPNN"},
    "exports.start": {"POST": "LFFFPPP"},
    # cadre A's photo, on an approved visit: its cadre's changes answer 409 locked ("P"); reviewers
    # of cadre A and admins see it; nobody else learns it exists
    "photos.declare": {"POST": "LPNNNNN"},  # on cadre A's visit
    "photos.file": {"GET": "LPNNPNP"},
    "photos.remove": {"DELETE": "LPNNNNN"},
    "photos.state": {"GET": "LPNNPNP"},
    "photos.thumbnail": {"GET": "LPNNPNP"},
    "photos.upload": {"PATCH": "LPNNNNN"},
    "pwa_shell.asset": {"GET": "PPPPPPP"},
    "pwa_shell.manifest": {"GET": "PPPPPPP"},
    "pwa_shell.offline": {"GET": "PPPPPPP"},
    "pwa_shell.service_worker": {"GET": "PPPPPPP"},
    "reports.coverage": {"GET": "LFFFPPP"},
    "reports.index": {"GET": "LFFFPPP"},
    "reports.placements": {"GET": "LFFFPPP"},
    "reports.visits": {"GET": "LFFFPPP"},
    "reports.year": {"GET": "LFFFPPP"},
    "review.approve": {"POST": "LFFFPNP"},
    "review.bulk": {"POST": "LFFFPPP"},
    "review.give_back": {"POST": "LFFFPNP"},
    "review.queue": {"GET": "LFFFPPP"},
    "review.reopen": {"POST": "LFFFPNP"},  # an approved visit back to review, with a reason
    "review.visit": {"GET": "LFFFPNP"},  # outside one's unit: 404
    "static": {"GET": "PPPPPPP"},
    "sync.bootstrap": {"GET": "LPPPPPP"},
    "sync.pull": {"GET": "LPPPPPP"},
    "sync.push": {"POST": "LPPPPPP"},
    "sync.visit": {"GET": "LPNNNNN"},  # the owner only, even for supervisors
    "tokens.index": {"GET": "LPPPPPP"},
    "tokens.issue": {"POST": "PPPPPPP"},  # a password or a session
    "tokens.revoke": {"DELETE": "LNNNNNP"},  # another's token: 404, an admin may
    # one's own two-factor settings (without it set up, regenerate and disable lead back to them)
    "twofactor.disable": {"POST": "LPPPPPP"},
    "twofactor.regenerate": {"POST": "LPPPPPP"},
    "twofactor.settings": {"GET": "LPPPPPP"},
    "twofactor.setup": {"GET": "LPPPPPP", "POST": "LPPPPPP"},
    # sign-in's code step: without a right password just before, back to the password page
    "twofactor.verify": {"GET": "LPPPPPP", "POST": "LPPPPPP"},
    "tokens.revoke_current": {"DELETE": "LLLLLLL"},  # the bearer token only: a session has none
    "visits.mine": {"GET": "LPPPPPP"},
    "visits.new": {"GET": "LPPPPPP", "POST": "LPPPPPP"},
    "visits.placement": {"GET": "LPPPPPP"},
    "visits.placement_report": {"POST": "LNNPNNN"},  # the placement's own cadre only writes its report
    "visits.settings": {"GET": "LPPPPPP"},
}


def _route_args(endpoint: str, ids: dict) -> dict:
    return {"visit_id": ids["visit"], "user_id": ids["victim"], "unit_id": ids["unit"],
            "token_id": ids["token"], "kind": "units", "placement_id": ids["placement"], "plan_id": 10**6,
            "exemption_id": 10**6, "topic_id": ids["topic"], "assignment_id": 10**6,
            "filename": "css/app.css", "version": "0", "hearing_id": ids["hearing"],
            "cadre_id": ids["cadre"], "direction_id": ids["direction"],
            "month": date.today().strftime("%Y-%m"), "photo_id": ids["photo"], "job_id": ids["export"]}


@pytest.fixture
def matrix_world(app, world):
    with app.app_context():
        district_a = db.session.get(Unit, world.district_a)
        district_b = db.session.get(Unit, world.district_b)
        tapsu = create_user("tapsu", "Tập Sự Thử", PASSWORD, district_a, Role.CADRE, is_probationary=True,
                            is_full_time=False)
        placement = Placement(cadre=tapsu, unit_id=world.commune_a1, tasks=["Dự sinh hoạt chi đoàn"],
                              start_date=date.today() - timedelta(days=3),
                              end_date=date.today() + timedelta(days=3))
        db.session.add(placement)
        make_supervisor("supb", "Giám Sát Huyện B", district_b)
        victim = create_user("victim", "Người Bị Thử", PASSWORD, district_a, Role.CADRE)
        visit = make_visit(world.cadre, world.commune_a1, start=date.today() - timedelta(days=5))
        token, _secret = issue_token(victim, "victim phone", 30)
        db.session.add(Plan(year=date.today().year, title="Kế hoạch thử", minimum_days=30))
        hearing = make_hearing(world, unit_id=world.district_a)
        [direction] = open_directions(world, hearing_id=hearing)
        approved = make_visit(world.cadre, world.commune_a2, start=date.today() - timedelta(days=6))
        photo = make_photo(world.cadre, approved.id)
        review_visit(approved.id, world.supervisor, "approved")
        supa = db.session.get(User, world.district_supervisor)
        export = create_job(supa, "visits", {"unit": world.district_a, "first": "2024-01-01",
                                             "last": "2024-12-31", "status": None, "form": None}, "csv")
        export.state, export.file_name, export.size = "done", "visits.csv", 3
        db.session.add(ExportChunk(job_id=export.id, seq=0, data=b"a,b"))
        ids = {"visit": visit.id, "victim": victim.id, "unit": world.commune_a1, "token": token.id,
               "topic": world.topic, "hearing": hearing, "cadre": world.cadre, "direction": direction,
               "placement": placement.id,
               "photo": photo, "export": export.id}
        db.session.commit()
    return ids


def _outcome(response, api: bool) -> str:
    status = response.status_code
    if status >= 500:
        return "!"
    if status == 401 or (status == 302 and "/auth/sign-in" in response.headers.get("Location", "")):
        return "L"
    if status == 403:
        return "F"
    if status == 404:
        return "N"
    return "P"


def _rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _observe(app, ids) -> dict[tuple[str, str], str]:
    from tests.conftest import AuthActions

    seen: dict[tuple[str, str], list[str]] = {}
    for actor in ACTORS:
        client = app.test_client()
        if actor != "anonymous":
            AuthActions(client).sign_in(actor)
        token = csrf_token(client, "/auth/sign-in" if actor == "anonymous" else "/auth/password")
        later = []
        for rule, method in _rules(app):
            if rule.endpoint in ("auth.sign_out", "auth.sign_in"):
                later.append((rule, method))
                continue
            seen.setdefault((rule.endpoint, method), []).append(_request(client, rule, method, ids, token))
        for rule, method in later:
            seen.setdefault((rule.endpoint, method), []).append(_request(client, rule, method, ids, token))
    return {key: "".join(codes) for key, codes in seen.items()}


def _request(client, rule, method, ids, token) -> str:
    from flask import url_for

    with client.application.test_request_context():
        args = {name: value for name, value in _route_args(rule.endpoint, ids).items()
                if name in rule.arguments}
        url = url_for(rule.endpoint, **args)
    api = url.startswith("/api/")
    kwargs: dict = {}
    if method != "GET":  # valid CSRF, empty form: the permission decides, nothing is changed
        kwargs = {"json": {}, "headers": {"X-CSRFToken": token}} if api else {"data": {"csrf_token": token}}
    response = client.open(url, method=method, **kwargs)
    return _outcome(response, api)


def test_every_route_has_an_entry_and_behaves_as_listed(app, matrix_world):
    observed = _observe(app, matrix_world)
    missing = sorted(f"{endpoint} {method}" for endpoint, method in observed
                     if method not in EXPECTED.get(endpoint, {}))
    wrong = {f"{endpoint} {method}": (EXPECTED[endpoint][method], codes)
             for (endpoint, method), codes in observed.items()
             if method in EXPECTED.get(endpoint, {}) and EXPECTED[endpoint][method] != codes}
    assert not any("!" in codes for codes in observed.values()), "a 500 somewhere"
    assert not missing, f"routes without an entry in EXPECTED: {missing}"
    assert not wrong, f"outcomes differ (expected, observed): {wrong}"
