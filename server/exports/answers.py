"""The files an export answers with: a small table written while the browser waits, or a finished
job's file streamed from its chunks."""

from __future__ import annotations

import tempfile

from flask import Response, send_file
from werkzeug.wrappers import Response as BaseResponse

from server.exports import services
from server.exports.models import ExportJob
from server.extensions import db
from server.hearings import docx_report
from server.reports import exports
from server.reports.tables import Table

#: every job's format: the reports' tables, and the hearing's report
MIMETYPES = {**exports.MIMETYPES, "docx": docx_report.MIMETYPE}


def send_table(table: Table, fmt: str) -> BaseResponse:
    """Send the table as a file, written to a temporary file first (constant memory)."""
    # closed by send_file once the response is sent; the file has no name, so nothing is left behind
    out = tempfile.TemporaryFile()  # noqa: SIM115
    exports.write(table, fmt, out)
    out.seek(0)
    return send_file(out, mimetype=exports.MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{table.name}.{fmt}")


def send_job_file(job: ExportJob) -> Response:
    """A finished job's file, read one chunk at a time while it is sent."""
    response = Response(services.file_chunks(db.engine, job.id), mimetype=MIMETYPES[job.format])
    response.headers["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    if job.size is not None:
        response.content_length = job.size
    return response
