"""Export jobs: when an export becomes one, making one, finding one (its asker's only), moving it
along in short transactions of its own, keeping its file in chunks, and forgetting old ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO, Any

from flask import abort, current_app
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Engine

from server.auth.models import User
from server.db import READ_ONLY, utcnow
from server.exports.models import ExportChunk, ExportJob, ExportState
from server.extensions import db

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
#: a finished file is kept in the database in pieces of this size: never more in memory at once
CHUNK_BYTES = 1024 * 1024
#: a running job touches its row at least every few seconds (progress); one untouched this long
#: died with its process (a restarted app server, a killed worker)
RUNNING_STALE = timedelta(minutes=15)
#: a job no runner took in this long never will be (RQ's worker is not running, Redis lost it)
QUEUED_STALE = timedelta(hours=1)
INTERRUPTED = "interrupted: no progress for too long (its process stopped?)"


def runs_in_background(rows: int | None) -> bool:
    """The one rule: an export of more than ``EXPORT_DIRECT_ROWS`` rows (or of an unknown number)
    is a background job; a smaller one is written while the browser waits, a second or two."""
    return rows is None or rows > current_app.config["EXPORT_DIRECT_ROWS"]


def keep_for() -> timedelta:
    """How long a job and its file are kept (``EXPORT_KEEP_HOURS``)."""
    return timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])


def create_job(user: User, kind: str, params: dict[str, Any], fmt: str,
               rows_expected: int | None = None) -> ExportJob:
    """A queued job, flushed; the caller commits before handing it to a runner, which must see it."""
    # the file speaks the asker's language, as their pages do (server.i18n.select_locale)
    job = ExportJob(user_id=user.id, kind=kind, params=params, format=fmt, locale=user.locale,
                    rows_expected=rows_expected)
    db.session.add(job)
    db.session.flush()
    return job


def unfinished_job(user: User, kind: str, params: dict[str, Any], fmt: str) -> ExportJob | None:
    """``user``'s job of the same export still queued or running (and not one a dead runner left
    behind, which ``prune`` will mark failed), to send them to instead of starting it twice."""
    now = utcnow()
    for job in db.session.scalars(
        select(ExportJob).where(
            ExportJob.user_id == user.id, ExportJob.kind == kind, ExportJob.format == fmt,
            or_(and_(ExportJob.state == ExportState.QUEUED, ExportJob.created_at >= now - QUEUED_STALE),
                and_(ExportJob.state == ExportState.RUNNING, ExportJob.updated_at >= now - RUNNING_STALE)))
        .order_by(ExportJob.created_at.desc())
    ):
        if job.params == params:
            return job
    return None


def job_of(user: User, job_id: str) -> ExportJob:
    """``user``'s own job, or 404: a job is its asker's alone (administrators included, see
    docs/reports.md), and one past its keeping time is gone even before ``prune`` deletes it."""
    # anything but an id's characters (a NUL that PostgreSQL refuses to compare) names no job
    job = db.session.get(ExportJob, job_id) if JOB_ID.fullmatch(job_id) else None
    if job is None or job.user_id != user.id or job.created_at < utcnow() - keep_for():
        abort(404)
    return job


def jobs_of(user: User) -> list[ExportJob]:
    """``user``'s jobs still kept, newest first."""
    return list(db.session.scalars(
        select(ExportJob).where(ExportJob.user_id == user.id, ExportJob.created_at >= utcnow() - keep_for())
        .order_by(ExportJob.created_at.desc()).limit(50)))


def update_job(job_id: str, **values: Any) -> None:
    """Change a job's row in a transaction of its own, committed at once: the asker's page sees it
    while the job still reads its rows in another (the report's long read)."""
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(updated_at=utcnow(), **values))


def claim(job_id: str) -> bool:
    """Take a queued job for running; False when another runner has it (a retried delivery)."""
    now = utcnow()
    with db.engine.begin() as conn:
        taken = conn.execute(update(ExportJob).where(ExportJob.id == job_id,
                                                     ExportJob.state == ExportState.QUEUED)
                             .values(state=ExportState.RUNNING, started_at=now, updated_at=now))
    return taken.rowcount == 1


def store_file(job_id: str, source: IO[bytes]) -> int:
    """Copy ``source`` (from its start) into the job's chunks, one short transaction per chunk (an
    SQLite writer holds the lock for one chunk, not for the whole file); the number of bytes."""
    seq = size = 0
    while data := source.read(CHUNK_BYTES):
        with db.engine.begin() as conn:
            conn.execute(ExportChunk.__table__.insert().values(job_id=job_id, seq=seq, data=data))
            conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(updated_at=utcnow()))
        seq, size = seq + 1, size + len(data)
    return size


def discard_file(job_id: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(ExportChunk).where(ExportChunk.job_id == job_id))


def file_chunks(engine: Engine, job_id: str) -> Iterator[bytes]:
    """A finished job's file, chunk by chunk, each read on a connection of its own (the answer is
    streamed after the request's session is gone; one chunk in memory at a time)."""
    seq = 0
    while True:
        # read-only: on SQLite a deferred transaction, which takes no write lock to read a chunk
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
            data = conn.scalar(select(ExportChunk.data).where(ExportChunk.job_id == job_id,
                                                              ExportChunk.seq == seq))
        if data is None:
            return
        yield data
        seq += 1


def prune(now: datetime | None = None) -> int:
    """Delete the jobs (and their files) older than ``EXPORT_KEEP_HOURS``, and mark failed the ones
    whose runner died; the number deleted. Run before every job and by ``flask exports prune``."""
    now = now or utcnow()
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(or_(
            and_(ExportJob.state == ExportState.RUNNING, ExportJob.updated_at < now - RUNNING_STALE),
            and_(ExportJob.state == ExportState.QUEUED, ExportJob.created_at < now - QUEUED_STALE)))
            .values(state=ExportState.FAILED, error=INTERRUPTED, finished_at=now))
        old = select(ExportJob.id).where(ExportJob.created_at < now - keep_for())
        # chunks first: SQLite's cascade needs foreign keys on, which a plain connection may not have
        conn.execute(delete(ExportChunk).where(ExportChunk.job_id.in_(old)))
        return conn.execute(delete(ExportJob).where(ExportJob.created_at < now - keep_for())).rowcount
