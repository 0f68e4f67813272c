"""A job is its asker's alone: another supervisor, an admin, a guessed id all get 404; cadres 403;
the export's unit must be within the asker's scope, as on the report's page."""

from __future__ import annotations

import re

import pytest

from server.exports.models import ExportJob
from server.extensions import db
from tests.conftest import AuthActions
from tests.exports.support import a_year, job_id_of, params_for, start, wait_for


@pytest.fixture
def eager(make_app):
    return make_app(EXPORT_QUEUE="eager", EXPORT_DIRECT_ROWS=0)


def _signed_in(app, username):
    client = app.test_client()
    AuthActions(client).sign_in(username)
    return client


def test_only_the_asker_sees_and_downloads_a_job(eager, world):
    year = a_year(eager, world)
    supa = _signed_in(eager, "supa")
    job_id = job_id_of(start(supa, "visits", "csv", **params_for("visits", year)))
    assert wait_for(eager, job_id).state == "done"
    assert supa.get(f"/exports/{job_id}").status_code == 200
    assert supa.get(f"/exports/{job_id}/file").status_code == 200
    # the province's supervisor and the admin see all of A's work, not this file
    for other in ("sup", "admin"):
        client = _signed_in(eager, other)
        assert client.get(f"/exports/{job_id}").status_code == 404, other
        assert client.get(f"/exports/{job_id}/file").status_code == 404, other
        assert job_id not in client.get("/exports/").get_data(as_text=True)
    cadre = _signed_in(eager, "cadre")
    assert cadre.get(f"/exports/{job_id}").status_code == 403
    assert cadre.get(f"/exports/{job_id}/file").status_code == 403
    anonymous = eager.test_client().get(f"/exports/{job_id}/file")
    assert anonymous.status_code == 302 and "/auth/sign-in" in anonymous.headers["Location"]
    assert job_id in supa.get("/exports/").get_data(as_text=True)


def test_ids_are_random_and_a_guess_finds_nothing(eager, world):
    year = a_year(eager, world)
    supa = _signed_in(eager, "supa")
    ids = [job_id_of(start(supa, "visits", "csv", **params_for("visits", year))) for _ in range(3)]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)
    near = ids[0][:-1] + ("A" if ids[0][-1] != "A" else "B")
    for guess in ("1", "2", near, "x" * 40, "%00", "%27%20OR%201=1", ids[0].lower()):
        if guess == ids[0]:
            continue
        assert supa.get(f"/exports/{guess}").status_code == 404, guess
        assert supa.get(f"/exports/{guess}/file").status_code == 404, guess


def test_a_unit_outside_ones_scope_is_not_found(eager, world):
    year = a_year(eager, world)
    supa = _signed_in(eager, "supa")  # district A's supervisor
    response = start(supa, "visits", "xlsx", unit=str(world.district_b), **params_for("visits", year))
    assert response.status_code == 404
    with eager.app_context():
        assert db.session.query(ExportJob).count() == 0


def test_a_job_whose_asker_lost_the_unit_fails(make_app, world):
    """The scope is checked again when the job runs: a job queued before the asker moved to another
    unit does not export the old unit's visits."""
    from server.auth.models import User
    from server.exports import runners

    app = make_app(EXPORT_QUEUE="rq", RQ_REDIS_URL="redis://127.0.0.1:1/0", EXPORT_DIRECT_ROWS=0)
    year = a_year(app, world)
    supa = _signed_in(app, "supa")
    job_id = job_id_of(start(supa, "visits", "csv", unit=str(world.district_a), **params_for("visits", year)))
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert job.state == "failed"  # no Redis on port 1: not queued, and the page says it failed
        job.state, job.error = "queued", None
        db.session.get(User, world.district_supervisor).unit_id = world.district_b
        db.session.commit()
    runners.run_in_app(app, job_id)
    job = wait_for(app, job_id)
    assert job.state == "failed" and "NotFound" in job.error


def test_a_finished_file_is_gone_once_its_asker_lost_the_unit(eager, world):
    """A file made while the asker could see the unit is not theirs to read once they cannot: the
    unit is checked again when the job's page or file is asked."""
    from server.auth.models import User

    year = a_year(eager, world)
    supa = _signed_in(eager, "supa")
    job_id = job_id_of(start(supa, "visits", "csv", unit=str(world.district_a), **params_for("visits", year)))
    assert wait_for(eager, job_id).state == "done"
    assert supa.get(f"/exports/{job_id}/file").status_code == 200
    assert job_id in supa.get("/exports/").get_data(as_text=True)
    with eager.app_context():
        db.session.get(User, world.district_supervisor).unit_id = world.district_b
        db.session.commit()
    assert supa.get(f"/exports/{job_id}").status_code == 404
    assert supa.get(f"/exports/{job_id}/file").status_code == 404
    assert job_id not in supa.get("/exports/").get_data(as_text=True)  # nor listed


def test_cadres_cannot_export(eager, world):
    year = a_year(eager, world)
    cadre = _signed_in(eager, "cadre")
    from tests.helpers import csrf_token

    token = csrf_token(cadre, "/")
    response = cadre.post("/exports/", data={"csrf_token": token, "kind": "visits", "format": "csv",
                                             **params_for("visits", year)})
    assert response.status_code == 403
    assert cadre.get("/exports/").status_code == 403


def test_a_post_needs_its_csrf_token(eager, world):
    year = a_year(eager, world)
    sup = _signed_in(eager, "sup")
    response = sup.post("/exports/", data={"kind": "visits", "format": "csv", **params_for("visits", year)})
    assert response.status_code == 400
    with eager.app_context():
        assert db.session.query(ExportJob).count() == 0


# "hearing" is a job kind, but started by the hearing's report link only, never by this form
@pytest.mark.parametrize("change", [{"kind": "photos"}, {"kind": "hearing"}, {"format": "pdf"},
                                    {"first": "2024-13-01"}, {"first": "2020-01-01", "last": "2024-12-31"},
                                    {"status": "lost"}])
def test_parameters_the_page_would_refuse_are_refused(eager, world, change):
    year = a_year(eager, world)
    sup = _signed_in(eager, "sup")
    data = {"kind": "visits", "format": "csv", **params_for("visits", year), **change}
    assert start(sup, data.pop("kind"), data.pop("format"), **data).status_code == 400
