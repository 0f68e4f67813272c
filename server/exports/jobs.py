"""One export job's work, the same under every runner (server/exports/runners.py): build the
report's table in the asker's scope and language, write it to a temporary file while the rows stream
from the database, then keep the file in the database and say it is done."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import force_locale

from server.auth.models import User
from server.db import READ_ONLY, utcnow
from server.exports import kinds, services
from server.exports.models import ExportJob, ExportState
from server.extensions import db
from server.hearings import docx_report
from server.reports import exports

log = logging.getLogger(__name__)
#: progress is written to the job's row every this many rows (a short transaction each)
PROGRESS_EVERY = 2000
#: a hearing's report: progress written every this many cadres' sections (a province: ~50 times)
HEARING_PROGRESS_EVERY = 100


def _counted(job_id: str, rows: Iterable[Any]) -> Iterator[Any]:
    written = 0
    for row in rows:
        yield row
        written += 1
        if written % PROGRESS_EVERY == 0:
            services.update_job(job_id, rows_written=written)
    services.update_job(job_id, rows_written=written)


def run(job_id: str) -> None:
    """Run the queued job ``job_id`` inside an app context of the caller's; a job another runner
    took, or one pruned meanwhile, is left alone. Failure is recorded on the job, never raised."""
    if not services.claim(job_id):
        return
    try:
        services.prune()  # old files go as new ones come, even without the CLI in a cron table
    except Exception:
        log.exception("pruning old exports failed")
    try:
        # this session only reads (every write goes through services, on connections of their own)
        db.session.connection(execution_options={READ_ONLY: True})
        _write(db.session.get(ExportJob, job_id))
    except Exception as error:  # anything at all: the asker's page must say it failed
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        services.discard_file(job_id)
        services.update_job(job_id, state=ExportState.FAILED, error=f"{type(error).__name__}: {error}"[:1000],
                            finished_at=utcnow())
    finally:
        db.session.rollback()  # end the long read (PostgreSQL: its server-side cursor)


def _write(job: ExportJob) -> None:
    job_id, fmt = job.id, job.format
    user = db.session.get(User, job.user_id)
    if job.kind == kinds.HEARING:
        _write_hearing(job_id, job.params, user)
        return
    with force_locale(job.locale), tempfile.TemporaryFile() as out:
        table = kinds.table_for(job.kind, job.params, user)
        services.update_job(job_id, rows_expected=table.length, file_name=f"{table.name}.{fmt}")
        exports.write(table, fmt, out, progress=lambda rows: _counted(job_id, rows))
        out.seek(0)
        size = services.store_file(job_id, out)
    services.update_job(job_id, state=ExportState.DONE, size=size, finished_at=utcnow())


def _write_hearing(job_id: str, params: dict[str, Any], user: User) -> None:
    """A hearing's .docx report, the very document its direct download is, if the asker may still
    see the hearing; built in memory (python-docx holds the whole document anyway), then kept in
    chunks like any export's file. Progress: the cadres' sections written."""
    hearing = kinds.hearing_for(params, user)
    services.update_job(job_id, file_name=docx_report.file_name(hearing))

    def progress(done: int, total: int) -> None:
        if done % HEARING_PROGRESS_EVERY == 0 or done == total:
            services.update_job(job_id, rows_expected=total, rows_written=done)

    data = docx_report.hearing_docx(hearing, progress=progress)
    size = services.store_file(job_id, data)
    services.update_job(job_id, state=ExportState.DONE, size=size, finished_at=utcnow())
