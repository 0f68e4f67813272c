"""An export job's life: queued, running, done with its file (the same cells the direct writer
writes) or failed with a clear page; the eager runner for most tests, a real thread for one."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from server.exports import jobs, runners, services
from server.exports.models import ExportChunk, ExportJob
from server.extensions import db
from server.reports import exports
from tests.exports.support import a_year, cells, direct_file, job_id_of, params_for, start, wait_for

KINDS = ("visits", "coverage", "placements", "year")


@pytest.fixture
def eager(make_app):
    """Every export a job (no direct answers), run at once in the request that asks."""
    return make_app(EXPORT_QUEUE="eager", EXPORT_DIRECT_ROWS=0)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_finished_job_holds_what_the_direct_writer_writes(eager, world, kind, fmt):
    from tests.conftest import AuthActions

    year = a_year(eager, world)
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, kind, fmt, **params_for(kind, year)))
    job = wait_for(eager, job_id)
    assert (job.state, job.error) == ("done", None)
    assert job.rows_written == job.rows_expected and job.rows_expected > 0
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert 'data-state="done"' in page and f"/exports/{job_id}/file" in page
    assert 'http-equiv="refresh"' not in page  # nothing more to wait for
    response = client.get(f"/exports/{job_id}/file")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    assert job.file_name.endswith(f".{fmt}") and int(response.headers["Content-Length"]) == job.size
    expected = direct_file(eager, "sup", kind, fmt, job.params, job.locale)
    assert cells(response.get_data(), fmt) == cells(expected, fmt)
    assert len(cells(expected, fmt)) == job.rows_written + 1  # the header row
    if fmt == "csv":
        assert response.get_data() == expected


def test_the_file_comes_back_in_chunks(eager, world, monkeypatch):
    from tests.conftest import AuthActions

    monkeypatch.setattr(services, "CHUNK_BYTES", 1000)
    year = a_year(eager, world, extra_visits=60)
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, "visits", "csv", **params_for("visits", year)))
    job = wait_for(eager, job_id)
    with eager.app_context():
        chunks = db.session.scalar(select(func.count()).where(ExportChunk.job_id == job_id))
    assert chunks == -(-job.size // 1000) > 3
    data = client.get(f"/exports/{job_id}/file").get_data()
    assert data == direct_file(eager, "sup", "visits", "csv", job.params)


def test_headers_are_in_the_askers_language(eager, world):
    from tests.conftest import AuthActions

    year = a_year(eager, world)
    with eager.app_context():
        from server.auth.models import User

        db.session.get(User, world.supervisor).locale = "en"
        db.session.commit()
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job = wait_for(eager, job_id_of(start(client, "visits", "csv", **params_for("visits", year))))
    assert job.locale == "en"
    header = cells(client.get(f"/exports/{job.id}/file").get_data(), "csv")[0]
    assert header[:3] == ["From", "To", "Number of days"]


def test_progress_is_written_as_rows_go(eager, world, monkeypatch):
    from tests.conftest import AuthActions

    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 5)
    seen: list[int] = []
    update = services.update_job

    def spy(job_id, **values):
        if "rows_written" in values:
            seen.append(values["rows_written"])
        update(job_id, **values)

    monkeypatch.setattr(services, "update_job", spy)
    year = a_year(eager, world, extra_visits=23)
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job = wait_for(eager, job_id_of(start(client, "visits", "xlsx", **params_for("visits", year))))
    assert seen == [*range(5, job.rows_written + 1, 5), job.rows_written]


def test_a_failed_job_says_so_and_leaves_no_file(eager, world, monkeypatch):
    from tests.conftest import AuthActions

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    year = a_year(eager, world)
    monkeypatch.setattr(exports, "write", broken)  # the job's writing; the request wrote nothing
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, "visits", "xlsx", **params_for("visits", year)))
    job = wait_for(eager, job_id)
    assert job.state == "failed" and job.error == "RuntimeError: the disk is full"
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert 'data-state="failed"' in page and "Không xuất được tệp" in page
    assert "disk is full" not in page  # the technical reason is for the log, not the page
    assert client.get(f"/exports/{job_id}/file").status_code == 404


def test_a_failure_while_storing_removes_the_chunks_written(eager, world, monkeypatch):
    from tests.conftest import AuthActions

    year = a_year(eager, world, extra_visits=30)
    monkeypatch.setattr(services, "CHUNK_BYTES", 500)
    store = services.store_file

    def store_then_fail(job_id, source):
        store(job_id, source)
        raise OSError("connection lost")

    monkeypatch.setattr(services, "store_file", store_then_fail)
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job = wait_for(eager, job_id_of(start(client, "visits", "csv", **params_for("visits", year))))
    assert job.state == "failed"
    with eager.app_context():
        assert db.session.scalar(select(func.count()).where(ExportChunk.job_id == job.id)) == 0


def test_a_job_runs_once(eager, world):
    from tests.conftest import AuthActions

    year = a_year(eager, world)
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    job = wait_for(eager, job_id_of(start(client, "visits", "csv", **params_for("visits", year))))
    runners.run_in_app(eager, job.id)  # delivered again (RQ retried it): nothing happens
    with eager.app_context():
        again = db.session.get(ExportJob, job.id)
        assert (again.state, again.finished_at, again.size) == ("done", job.finished_at, job.size)


def test_a_real_thread_runs_the_job(make_app, world):
    """The embedded default: a thread of the app server, with its own app context and session."""
    from tests.conftest import AuthActions

    app = make_app(EXPORT_DIRECT_ROWS=0)
    assert app.config["EXPORT_QUEUE"] == "thread"
    year = a_year(app, world, extra_visits=40)
    client = app.test_client()
    AuthActions(client).sign_in("sup")
    job_id = job_id_of(start(client, "visits", "xlsx", **params_for("visits", year)))
    job = wait_for(app, job_id)
    for thread in threading.enumerate():
        if thread.name.startswith("export-"):
            thread.join(30)  # its last steps end before the test's database goes away
    assert job.state == "done", job.error
    data = client.get(f"/exports/{job_id}/file").get_data()
    assert cells(data, "xlsx") == cells(direct_file(app, "sup", "visits", "xlsx", job.params), "xlsx")


def test_a_running_job_shows_its_progress_and_refreshes(eager, world):
    from tests.conftest import AuthActions

    a_year(eager, world)
    client = eager.test_client()
    AuthActions(client).sign_in("sup")
    with eager.app_context():
        from server.auth.models import User

        sup = db.session.get(User, world.supervisor)
        job = services.create_job(sup, "visits", {"unit": world.province, "first": "2024-01-01",
                                                  "last": "2024-12-31", "status": None, "form": None},
                                  "xlsx", 5000)
        job.state, job.rows_written = "running", 1250
        db.session.commit()
        job_id = job.id
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress max="5000" value="1250">' in page and "1.250" in page
    assert f"/exports/{job_id}/file" not in page
    assert client.get(f"/exports/{job_id}/file").status_code == 404


def test_a_jobs_long_read_lets_writers_go_on(eager, world):
    """On SQLite every transaction takes the write lock (server/db.py); the job's reading session
    asks for a deferred one instead, or its own progress could not be written while it reads."""
    from sqlalchemy import text

    from server.db import READ_ONLY

    with eager.app_context():
        db.session.connection(execution_options={READ_ONLY: True})
        rows = db.session.execute(text("SELECT id FROM units"))  # the read is open
        with db.engine.connect() as writer:
            if writer.dialect.name == "sqlite":
                writer.exec_driver_sql("PRAGMA busy_timeout=200")  # fail fast instead of waiting 15 s
                writer.commit()
            with writer.begin():
                writer.execute(text("UPDATE units SET name = name"))
        assert rows.fetchall()
        db.session.rollback()
