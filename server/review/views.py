"""Review pages: the queue, one visit with its history, and the actions (approve, return, bulk
approve after a confirmation, reopen an approved visit).

Only supervisors and admins get here (others: 403); a visit outside the reviewer's scope answers
404 like an unknown one. Every action names the version the supervisor read, so two supervisors
reviewing the same visit cannot both win: the second is told and sees the current state.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from server.auth.models import Role
from server.auth.permissions import roles_required
from server.photos.services import summaries_for, visit_photos
from server.review import queue as review_queue
from server.review import services
from server.review.forms import ApproveForm, BulkApproveForm, QueueFilterForm, ReopenForm, ReturnForm
from server.review.history import visit_history
from server.review.models import ReviewAction
from server.review.views_support import (
    cadre_by_username,
    filter_choices,
    unit_by_code,
    unit_path,
    visit_figures,
)
from server.visits.store import StaleVisit

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")
reviewers_only = roles_required(Role.SUPERVISOR, Role.ADMIN)


@bp.get("/")
@reviewers_only
def queue():
    form = QueueFilterForm(formdata=request.args)
    form.set_choices(*filter_choices(current_user))
    form.validate()
    form.resolve_codes(unit_by_code(current_user, form.unit_code.data or ""),
                       cadre_by_username(current_user, form.cadre_username.data or ""))
    wanted = form.to_filter()
    if (form.unit_code.errors or form.cadre_username.errors) and wanted.unit_id is None \
            and wanted.cadre_id is None:
        wanted = replace(wanted, cadre_id=-1)  # an unknown code shows nothing rather than everything
    after = review_queue.Cursor.parse(request.args.get("after"))
    page = review_queue.queue_page(current_user, wanted, after)
    counts = review_queue.status_counts(current_user, wanted)
    return render_template("review/queue.html", form=form, page=page, counts=counts,
                           bulk=BulkApproveForm(), wanted=wanted, url_with=_queue_url_with,
                           count_label=_count_label, photos=summaries_for(v.id for v in page.visits))


def _count_label(count: int) -> str:
    """A count as shown on the status tabs: beyond the cap, "1000+"."""
    return f"{review_queue.COUNT_CAP}+" if count > review_queue.COUNT_CAP else str(count)


def _queue_url_with(**changes: str | None) -> str:
    """This queue view's URL with some filters changed (None drops one)."""
    args = {**request.args.to_dict(), **changes}
    return url_for("review.queue", **{key: value for key, value in args.items() if value is not None})


@bp.get("/visits/<uuid:visit_id>")
@reviewers_only
def visit(visit_id: uuid.UUID):
    found = services.visit_for_reviewer(current_user, visit_id) or abort(404)
    return _visit_page(found)


def _visit_page(found, give_back: ReturnForm | None = None, reopen_form: ReopenForm | None = None) -> str:
    """The visit page; a refused form comes back with what was typed and why it was refused."""
    return render_template(
        "review/visit.html", visit=found, path=unit_path(found.unit), figures=visit_figures(found),
        history=visit_history(found.id), photos=visit_photos(found.id),
        approve=ApproveForm(version=found.version),
        give_back=give_back or ReturnForm(formdata=None, version=found.version),
        reopen=reopen_form or ReopenForm(formdata=None, version=found.version),
        back=_back_to_queue(),
    )


@bp.post("/visits/<uuid:visit_id>/approve")
@reviewers_only
def approve(visit_id: uuid.UUID):
    return _review(visit_id, ReviewAction.APPROVE, ApproveForm())


@bp.post("/visits/<uuid:visit_id>/return")
@reviewers_only
def give_back(visit_id: uuid.UUID):
    return _review(visit_id, ReviewAction.RETURN, ReturnForm())


def _review(visit_id: uuid.UUID, action: ReviewAction, form: ApproveForm | ReturnForm):
    found = services.visit_for_reviewer(current_user, visit_id) or abort(404)
    if not form.validate_on_submit() or not form.version.data.isdigit():
        # the comment is kept: the page comes back with what was typed and why it was refused
        return _visit_page(found, give_back=form if isinstance(form, ReturnForm) else None), 400
    comment = form.comment.data if isinstance(form, ReturnForm) else None
    try:
        services.review(visit_id, current_user, action, comment=comment,
                        expected_version=int(form.version.data))
    except (StaleVisit, services.NotReviewable):
        flash(_("This visit changed while you were reading it (edited by the cadre or reviewed by "
                "someone else). Here is its current state; nothing was changed."), "warning")
        return redirect(url_for("review.visit", visit_id=visit_id, back=_back_to_queue()))
    if action == ReviewAction.APPROVE:
        flash(_("The visit was approved."), "success")
    else:
        flash(_("The visit was returned to the cadre with your comment."), "success")
    return redirect(_back_to_queue())


@bp.post("/visits/<uuid:visit_id>/reopen")
@reviewers_only
def reopen(visit_id: uuid.UUID):
    """An approved visit back to "submitted", with the reason: a mistaken approval is undone."""
    found = services.visit_for_reviewer(current_user, visit_id) or abort(404)
    form = ReopenForm()
    if not form.validate_on_submit() or not form.version.data.isdigit():
        return _visit_page(found, reopen_form=form), 400
    try:
        services.reopen(visit_id, current_user, form.reason.data, expected_version=int(form.version.data))
    except (StaleVisit, services.NotApproved):
        flash(_("This visit changed while you were reading it (edited by the cadre or reviewed by "
                "someone else). Here is its current state; nothing was changed."), "warning")
        return redirect(url_for("review.visit", visit_id=visit_id, back=_back_to_queue()))
    flash(_("The visit is awaiting review again; the cadre's phone gets it at the next sync, "
            "and the cadre can change it."), "success")
    return redirect(url_for("review.visit", visit_id=visit_id, back=_back_to_queue()))


@bp.post("/bulk")
@reviewers_only
def bulk():
    form = BulkApproveForm()
    if not form.validate_on_submit():
        abort(400)
    field = "shown" if request.form.get("all") else "selected"
    items = [_id_version(raw) for raw in request.form.getlist(field)]
    picked = [item for item in items if item is not None]
    if not picked:
        flash(_("Tick the visits to approve first."), "warning")
        return redirect(_safe_queue_url(form.next.data))
    if form.confirmed.data != "1":
        # approval locks the visits: first say how many and whose, and approve only once confirmed
        preview = services.bulk_preview(current_user, picked)
        if not preview.visits:
            flash(_("None of these visits awaits review any more: they changed or were reviewed "
                    "meanwhile."), "warning")
            return redirect(_safe_queue_url(form.next.data))
        return render_template("review/bulk_confirm.html", preview=preview, form=form,
                               back=_safe_queue_url(form.next.data))
    outcome = services.approve_many(current_user, picked)
    flash(ngettext("%(num)d visit approved.", "%(num)d visits approved.", outcome.approved), "success")
    if outcome.skipped:
        flash(ngettext("%(num)d visit was left as it was: it changed or was reviewed meanwhile.",
                       "%(num)d visits were left as they were: they changed or were reviewed meanwhile.",
                       outcome.skipped), "warning")
    return redirect(_safe_queue_url(form.next.data))


def _id_version(raw: str) -> tuple[uuid.UUID, int] | None:
    key, _sep, version = raw.partition(":")
    try:
        return uuid.UUID(key), int(version)
    except ValueError:
        return None


def _safe_queue_url(target: str | None) -> str:
    """Back to the queue with its filters; never to another site or page."""
    if target and target.startswith(url_for("review.queue")) and not urlsplit(target).netloc:
        return target
    return url_for("review.queue")


def _back_to_queue() -> str:
    return _safe_queue_url(request.values.get("back"))
