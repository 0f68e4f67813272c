"""Visit pages: the form (new and edit), my visits, my placement (and its closing report), settings.

The form works without JavaScript (POST, validated by the same service as the sync API); with
JavaScript the page's script saves to the device's outbox first and syncs (pwa/js/views/).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.extensions import db
from server.planning.closing import push_placement_reports
from server.planning.models import Placement
from server.sync.services import bootstrap as bootstrap_for
from server.time import today
from server.visits import queries
from server.visits.forms import ClosingReportForm, VisitForm, form_values, refusal_message
from server.visits.push import PushResult, push_visits
from server.visits.services import own_visit

bp = Blueprint("visits", __name__, url_prefix="/visits", template_folder="templates")


def _edit_id() -> uuid.UUID | None:
    raw = request.values.get("edit") or request.form.get("id")
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        abort(404)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    bootstrap = bootstrap_for(current_user)
    edit_id = _edit_id()
    visit = own_visit(current_user, edit_id) if edit_id else None
    form = VisitForm(obj=form_values(visit) if visit and request.method == "GET" else None)
    form.set_choices(bootstrap, _("Choose a unit"), _("None"))
    form.plan_years = tuple(bootstrap["plan_years"])
    if visit is not None:
        form.keep_linked_directions(visit)
        form.saved_start = visit.start_date
    if request.method == "GET":
        if visit is None:
            form.start_date.data = form.end_date.data = today()  # most visits are recorded the same day
        queries.prefill_placement(form, bootstrap, request.args)
    if form.validate_on_submit():
        visit_id = str(edit_id or uuid.uuid4())
        result = push_visits(current_user, "web", [form.to_wire(visit_id)])[0]
        if result.accepted:
            flash(_("The visit was saved."), "success")
            return redirect(url_for("visits.mine"))
        _show_refusal(form, result)
    status = 400 if request.method == "POST" else 200
    return render_template("visits/form.html", form=form, visit=visit, bootstrap=bootstrap), status


def _show_refusal(form: VisitForm, result: PushResult) -> None:
    """Put the service's reasons on the form, which comes back filled in (the 400 rolls back)."""
    message = refusal_message(result.status)
    if message:
        form.form_errors.append(message)
    for name, messages in (result.errors or {}).items():
        field = form._fields.get(name)
        if field is not None and not isinstance(field.errors, list):
            field.errors = list(field.errors)
        target = field.errors if field is not None else form.form_errors
        target.extend(messages if isinstance(messages, list) else [str(messages)])


@bp.get("/")
@login_required
def mine():
    page = queries.my_visits(current_user, request.args.get("before"))
    return render_template("visits/mine.html", page=page)


@bp.get("/placement")
@login_required
def placement():
    return _placement_page()


def _placement_page(refused: tuple[int, ClosingReportForm] | None = None, status: int = 200):
    """The cadre's placements; ``refused`` is a closing report form sent back with its reasons."""
    placements = queries.my_placements(current_user)
    forms = {}
    for item in placements:
        report = item.placement.report
        if refused and refused[0] == item.placement.id:
            forms[item.placement.id] = refused[1]
            continue
        form = ClosingReportForm(formdata=None, text=report.text if report else "")
        form.id.data = str(report.id) if report else ""
        form.base_version.data = str(report.version) if report else ""
        forms[item.placement.id] = form
    return render_template("visits/placement.html", placements=placements, forms=forms,
                           today=today()), status


@bp.post("/placement/<id:placement_id>/report")
@login_required
def placement_report(placement_id: int):
    """The closing report without JavaScript: the same push rules as the phone's sync."""
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.cadre_id != current_user.id:
        abort(404)
    form = ClosingReportForm()
    if form.validate_on_submit():
        result = push_placement_reports(current_user, "web", [form.to_wire(placement.id)])[0]
        if result.accepted:
            flash(_("Your closing report was saved."), "success")
            return redirect(url_for("visits.placement", _anchor=f"placement-{placement.id}"))
        form.form_errors.append({
            "conflict": _("This closing report was changed elsewhere since you opened it. "
                          "Reload it and make your change again."),
            "locked": _("The closing report can no longer be changed."),
        }.get(result.status, _("The closing report could not be saved.")))
        for messages in (result.errors or {}).values():
            form.form_errors.extend(messages if isinstance(messages, list) else [str(messages)])
    return _placement_page((placement.id, form), 400)


@bp.get("/settings")
@login_required
def settings():
    return render_template("visits/settings.html")
