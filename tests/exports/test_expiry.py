"""Old jobs and their files go: past EXPORT_KEEP_HOURS they are not found, then deleted (before every
new job, or by ``flask exports prune``); a job whose process died is marked failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.db import utcnow
from server.exports import services
from server.exports.models import ExportChunk, ExportJob
from server.extensions import db
from tests.conftest import AuthActions
from tests.exports.support import a_year, job_id_of, params_for, start, wait_for


@pytest.fixture
def eager(make_app):
    return make_app(EXPORT_QUEUE="eager", EXPORT_DIRECT_ROWS=0, EXPORT_KEEP_HOURS=24)


def _finished_job(app, client, year, fmt: str = "csv") -> str:
    job_id = job_id_of(start(client, "visits", fmt, **params_for("visits", year)))
    assert wait_for(app, job_id).state == "done"
    return job_id


def _age(app, job_id: str, **ago) -> None:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        job.created_at = job.updated_at = utcnow() - timedelta(**ago)
        db.session.commit()


def _counts(app, job_id: str) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).where(ExportJob.id == job_id)),
                db.session.scalar(select(func.count()).where(ExportChunk.job_id == job_id)))


def test_an_old_job_is_gone_then_deleted_by_the_cli(eager, world):
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job_id = _finished_job(eager, client, a_year(eager, world))
    _age(eager, job_id, hours=23)
    assert client.get(f"/exports/{job_id}/file").status_code == 200
    _age(eager, job_id, hours=25)
    assert client.get(f"/exports/{job_id}").status_code == 404  # expired before it is deleted
    assert client.get(f"/exports/{job_id}/file").status_code == 404
    assert job_id not in client.get("/exports/").get_data(as_text=True)
    assert _counts(eager, job_id)[1] > 0
    result = eager.test_cli_runner().invoke(args=["exports", "prune"])
    assert result.exit_code == 0 and "1 old export(s) deleted" in result.output
    assert _counts(eager, job_id) == (0, 0)


def test_each_new_job_prunes_the_old_ones(eager, world):
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    year = a_year(eager, world)
    old = _finished_job(eager, client, year)
    _age(eager, old, days=3)
    _finished_job(eager, client, year, "xlsx")
    assert _counts(eager, old) == (0, 0)


def test_a_job_whose_process_died_is_marked_failed(eager, world):
    with eager.app_context():
        from server.auth.models import User

        sup = db.session.get(User, world.supervisor)
        running = services.create_job(sup, "visits", {"unit": world.province}, "csv")
        running.state, running.updated_at = "running", utcnow() - timedelta(minutes=20)
        fresh = services.create_job(sup, "visits", {"unit": world.province}, "csv")
        fresh.state = "running"
        queued = services.create_job(sup, "visits", {"unit": world.province}, "csv")
        queued.created_at = utcnow() - timedelta(hours=2)
        ids = running.id, fresh.id, queued.id
        db.session.commit()
        assert services.prune() == 0
        db.session.expire_all()
        states = [db.session.get(ExportJob, i).state for i in ids]
        assert states == ["failed", "running", "failed"]
        assert db.session.get(ExportJob, ids[0]).error == services.INTERRUPTED
