"""Who runs an export job, by ``EXPORT_QUEUE``:

- ``thread`` (the default, for one machine): a thread of the app server that asked, with an app
  context and a database session of its own;
- ``rq``: RQ's queue on ``RQ_REDIS_URL``, for several app servers (the Redis their rate limits
  share): ``flask exports worker`` (or ``rq worker dicoso-exports``) runs the jobs of the queue
  ``RQ_QUEUE``;
- ``eager``: at once, in the request that asked (tests, debugging).

The job's row must be committed before it is handed over: the runner reads it on another connection.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app, has_app_context

from server.db import utcnow
from server.exports import jobs, services
from server.exports.models import ExportState

MODES = ("thread", "rq", "eager")
_worker_app: Flask | None = None


def enqueue(job_id: str) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = app.config["EXPORT_QUEUE"]
    if mode == "eager":
        run_in_app(app, job_id)
    elif mode == "rq":
        try:
            rq_queue(app).enqueue_call("server.exports.runners.run_from_rq", args=(job_id,),
                                       job_id=f"export-{job_id}", timeout=app.config["EXPORT_TIMEOUT"],
                                       result_ttl=0, failure_ttl=24 * 3600)
        except Exception as error:  # Redis unreachable: the asker's page says so instead of a 500
            app.logger.exception("export job %s could not be queued", job_id)
            services.update_job(job_id, state=ExportState.FAILED, error=f"not queued: {error}"[:1000],
                                finished_at=utcnow())
    else:
        threading.Thread(target=run_in_app, args=(app, job_id), name=f"export-{job_id[:8]}",
                         daemon=True).start()


def run_in_app(app: Flask, job_id: str) -> None:
    """Run the job in a fresh app context: its own database session, whatever the caller holds."""
    with app.app_context():
        jobs.run(job_id)


def rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(app.config["RQ_REDIS_URL"]))


def run_from_rq(job_id: str) -> None:
    """What RQ's worker calls: under ``flask exports worker`` with the command's app; under a plain
    ``rq worker``, with one app made from the environment once per process."""
    global _worker_app
    if has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    else:
        if _worker_app is None:
            from server import create_app

            _worker_app = create_app()
        app = _worker_app
    run_in_app(app, job_id)
