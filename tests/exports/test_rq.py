"""EXPORT_QUEUE=rq: the job waits in RQ's queue until a worker runs it (``flask exports worker``, here
in burst mode, in this process); skipped when no Redis answers on RQ_TEST_URL."""

from __future__ import annotations

import os
import uuid

import pytest

from server.exports import runners
from tests.conftest import AuthActions
from tests.exports.support import a_year, cells, direct_file, job_id_of, params_for, start, wait_for

RQ_TEST_URL = os.environ.get("RQ_TEST_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def rq_app(make_app):
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(RQ_TEST_URL, socket_connect_timeout=1).ping()
    except RedisError:
        pytest.skip(f"no Redis at {RQ_TEST_URL}")
    # a queue of this test's own: other runs on the same Redis never take its jobs
    app = make_app(EXPORT_QUEUE="rq", RQ_REDIS_URL=RQ_TEST_URL, RQ_QUEUE=f"test-exports-{uuid.uuid4().hex}",
                   EXPORT_DIRECT_ROWS=0)
    yield app
    runners.rq_queue(app).delete(delete_jobs=True)


def test_the_worker_command_runs_a_queued_job(rq_app, world):
    year = a_year(rq_app, world)
    client = rq_app.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, "visits", "xlsx", **params_for("visits", year)))
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert 'data-state="queued"' in page and 'http-equiv="refresh"' in page
    assert runners.rq_queue(rq_app).count == 1
    result = rq_app.test_cli_runner().invoke(args=["exports", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    job = wait_for(rq_app, job_id, deadline_s=5)
    assert job.state == "done", job.error
    data = client.get(f"/exports/{job_id}/file").get_data()
    assert cells(data, "xlsx") == cells(direct_file(rq_app, "sup", "visits", "xlsx", job.params), "xlsx")


def test_a_plain_rq_worker_makes_its_app_from_the_environment(rq_app, world, database_url, monkeypatch):
    """``rq worker`` outside Flask: the job function builds the app from the environment once."""
    year = a_year(rq_app, world)
    client = rq_app.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, "coverage", "csv", **params_for("coverage", year)))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setattr(runners, "_worker_app", None)
    runners.run_from_rq(job_id)  # no app context here, as in RQ's work horse
    made = runners._worker_app
    assert made is not None and made is not rq_app
    with made.app_context():
        from server.extensions import db

        db.engine.dispose()
    assert wait_for(rq_app, job_id, deadline_s=5).state == "done"


def test_an_unreachable_redis_fails_the_job_with_a_page_that_says_so(make_app, world):
    app = make_app(EXPORT_QUEUE="rq", RQ_REDIS_URL="redis://127.0.0.1:1/0", EXPORT_DIRECT_ROWS=0)
    year = a_year(app, world)
    client = app.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, "visits", "csv", **params_for("visits", year)))
    job = wait_for(app, job_id, deadline_s=5)
    assert job.state == "failed" and job.error.startswith("not queued")
    assert 'data-state="failed"' in client.get(f"/exports/{job_id}").get_data(as_text=True)
