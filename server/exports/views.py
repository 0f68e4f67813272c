"""Exports for supervisors and admins (cadres get 403): the report pages' XLSX and CSV buttons post
here; a small export answers with the file at once, a large one becomes a job with its own page
(progress, then the download link). A job is its asker's alone: anyone else gets 404. A hearing's
long .docx report is a job too, started by the hearing's report link (server/hearings/views.py); its
page and file answer 404 once the asker may no longer see the hearing."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from server.auth.models import Role
from server.auth.permissions import roles_required
from server.exports import answers, kinds, runners, services
from server.exports.models import ExportState
from server.extensions import db
from server.reports.exports import FORMATS

bp = Blueprint("exports", __name__, url_prefix="/exports", template_folder="templates")
#: who reads reports, so who exports them
REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)


@bp.post("/")
@roles_required(*REVIEWERS)
def start() -> Response:
    kind, fmt = request.form.get("kind", ""), request.form.get("format", "")
    if kind not in kinds.KINDS or fmt not in FORMATS:
        abort(400)
    try:
        params = kinds.parse(kind, request.form, current_user)
    except kinds.InvalidExport:
        abort(400)  # the page's own filters, sent back: only an edited form gets here
    table = kinds.table_for(kind, params, current_user)
    if not services.runs_in_background(table.length):
        return answers.send_table(table, fmt)
    job_id = services.create_job(current_user, kind, params, fmt, table.length).id
    # the runner reads the job on another connection (another process with RQ): it must be there;
    # and this session stays untouched from here (on SQLite a new transaction would take the write
    # lock the eager runner's progress needs)
    db.session.commit()
    runners.enqueue(job_id)
    return redirect(url_for(".show", job_id=job_id), 303)


@bp.get("/")
@roles_required(*REVIEWERS)
def index() -> str:
    # a job whose unit or hearing one can no longer see is not listed (its page and file are 404)
    jobs = [j for j in services.jobs_of(current_user) if kinds.may_see(j.kind, j.params, current_user)]
    return render_template("exports/index.html", jobs=jobs,
                           described={j.id: kinds.describe(j.kind, j.params) for j in jobs})


@bp.get("/<job_id>")
@roles_required(*REVIEWERS)
def show(job_id: str) -> str:
    job = services.job_of(current_user, job_id)
    kinds.check(job.kind, job.params, current_user)
    return render_template("exports/show.html", job=job, described=kinds.describe(job.kind, job.params),
                           waiting=job.state in (ExportState.QUEUED, ExportState.RUNNING),
                           expires=job.created_at + services.keep_for())


@bp.get("/<job_id>/file")
@roles_required(*REVIEWERS)
def download(job_id: str) -> Response:
    job = services.job_of(current_user, job_id)
    kinds.check(job.kind, job.params, current_user)
    if job.state != ExportState.DONE:
        abort(404)  # no file yet (or none ever): its page says why
    return answers.send_job_file(job)
