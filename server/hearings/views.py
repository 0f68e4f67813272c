"""Hearing pages: the list and opening a hearing, the hearing itself (conclusions, directions,
the .docx report), a cadre's month, and the cadre's own account and directions (no JavaScript:
the same push rules as the phone's sync)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.auth.models import User
from server.auth.permissions import recordable_unit_ids, roles_required, scope_unit_ids
from server.exports import kinds as export_kinds
from server.exports import runners as export_runners
from server.exports import services as export_services
from server.extensions import db
from server.hearings import directions as direction_store
from server.hearings import docx_report, scope, services
from server.hearings.figures import figures, month_bounds, month_visits
from server.hearings.forms import AccountForm, ConclusionForm, DirectionForm, DoneForm, OpenHearingForm
from server.hearings.models import Direction, Hearing, MonthlyAccount
from server.hearings.push import mark_done, push_accounts
from server.regime.counting import WORKING
from server.time import today
from server.units.models import Unit
from server.units.services import current_units_query
from server.units.tree import units_in_tree_order
from server.visits import rules
from server.visits.labels import FORM_LABELS, STATUS_LABELS
from server.visits.models import Topic

bp = Blueprint("hearings", __name__, url_prefix="/hearings", template_folder="templates")


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        abort(404)


def _hearing(hearing_id: int) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or not scope.can_see_hearing(current_user, hearing):
        abort(404)
    return hearing


def _heard_cadre(hearing: Hearing, cadre_id: int) -> User:
    cadre = db.session.get(User, cadre_id)
    if cadre is None or not scope.heard_at(hearing, cadre):
        abort(404)
    return cadre


# -- hearings (supervisors, admins) --------------------------------------------------------------

def _open_form() -> OpenHearingForm:
    form = OpenHearingForm()
    units = units_in_tree_order(db.session.scalars(
        current_units_query(today()).where(Unit.id.in_(scope_unit_ids(current_user)))))
    form.unit_id.choices = [(u.id, u.name) for u in units]
    form.month.render_kw = {"max": today().strftime("%Y-%m"), "min": rules.EARLIEST.strftime("%Y-%m")}
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
        form.month.data = services.previous_month_text(today())
        form.held_on.data = today()
        form.chair.data = current_user.full_name
    return form


@bp.route("/", methods=["GET", "POST"])
@roles_required("supervisor", "admin")
def index():
    form = _open_form()
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        try:
            hearing = services.open_hearing(current_user, unit, form.first_day(), form.held_on.data,
                                            form.chair.data, form.document_number.data)
        except services.HearingExists as exists:
            flash(_("This unit already has a hearing for that month."), "warning")
            return redirect(url_for("hearings.show", hearing_id=exists.hearing.id))
        flash(_("The hearing is open."), "success")
        return redirect(url_for("hearings.show", hearing_id=hearing.id))
    hearings = db.session.scalars(
        select(Hearing).where(Hearing.unit_id.in_(scope_unit_ids(current_user)))
        .order_by(Hearing.month.desc(), Hearing.id.desc())).all()
    status = 400 if request.method == "POST" else 200
    return render_template("hearings/index.html", form=form, hearings=hearings), status


@bp.get("/<id:hearing_id>")
@roles_required("supervisor", "admin")
def show(hearing_id: int):
    hearing = _hearing(hearing_id)
    return _render_hearing(hearing, request.args.get("page", 1, type=int))


def _render_hearing(hearing: Hearing, number: int, status: int = 200, bad: dict | None = None):
    """One page of the hearing: the summary rows and sections of its cadres only."""
    page = services.hearing_page(hearing, number)
    if page is None:
        abort(404)
    rows, _ = services.hearing_rows(hearing, list(page.cadres.items))
    direction_ids = [d.id for row in rows for d in (*row.directions, *row.earlier)]
    topics = db.session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.name_vi)).all()
    forms = {}
    choices = services.visitable_units([row.cadre for row in rows], today())
    for row in rows:
        units = choices[row.cadre.id]
        direction = (bad or {}).get(("direction", row.cadre.id)) or DirectionForm(
            formdata=None, due_date=services.default_due_date(hearing))
        direction.unit_id.choices = [("", "—")] + [(u.id, u.name) for u in units]
        direction.topic_id.choices = [("", "—")] + [(t.id, t.name(str(_locale()))) for t in topics]
        conclusion = (bad or {}).get(("conclusion", row.cadre.id)) or ConclusionForm(
            formdata=None, conclusion=row.conclusion)
        forms[row.cadre.id] = (conclusion, direction)
    return render_template(
        "hearings/show.html", hearing=hearing, page=page.cadres, rows=rows, exempt=page.exempt, forms=forms,
        first_index=page.cadres.first_index,
        addressed=services.visits_for_directions(direction_ids), today=today(),
        topic_names={t.id: t.name(str(_locale())) for t in topics},
        form_labels=FORM_LABELS, status_labels=STATUS_LABELS,
        on=services.reference_day(hearing.month), counting=WORKING,
        report_is_job=_report_is_job(page.cadres.total)), status


def _cadre_section(hearing: Hearing, cadre_id: int) -> str:
    """The address of a cadre's section: its page of the hearing, at its anchor."""
    number = services.page_holding(hearing, cadre_id)
    return url_for("hearings.show", hearing_id=hearing.id, page=number if number > 1 else None,
                   _anchor=f"cadre-{cadre_id}")


def _render_cadre_page(hearing: Hearing, cadre_id: int, status: int, bad: dict):
    return _render_hearing(hearing, services.page_holding(hearing, cadre_id), status, bad)


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


# A cadre's conclusion and new direction are one form with two buttons (show.html), so whichever
# is pressed, what was typed in the other box travels with it and is not lost.

@bp.post("/<id:hearing_id>/cadres/<id:cadre_id>/conclusion")
@roles_required("supervisor", "admin")
def conclusion(hearing_id: int, cadre_id: int):
    hearing = _hearing(hearing_id)
    cadre = _heard_cadre(hearing, cadre_id)
    form = ConclusionForm()
    if not form.validate_on_submit():
        return _render_cadre_page(hearing, cadre.id, 400, {("conclusion", cadre.id): form,
                                                           ("direction", cadre.id): DirectionForm()})
    services.save_conclusion(hearing, cadre, form.conclusion.data or "", current_user)
    flash(_("The conclusion was saved."), "success")
    if (request.form.get("text") or "").strip():
        # a direction typed but not added yet: the page comes back with it still in its boxes
        flash(_("The direction you typed is not added yet: check it and press “Add the direction”."),
              "warning")
        return _render_cadre_page(hearing, cadre.id, 200, {("direction", cadre.id): DirectionForm()})
    return redirect(_cadre_section(hearing, cadre.id))


@bp.post("/<id:hearing_id>/cadres/<id:cadre_id>/directions")
@roles_required("supervisor", "admin")
def add_direction(hearing_id: int, cadre_id: int):
    hearing = _hearing(hearing_id)
    cadre = _heard_cadre(hearing, cadre_id)
    form = DirectionForm()
    # the conclusion typed above it comes along (absent from an older page: then left as it is)
    typed = ConclusionForm() if "conclusion" in request.form else None
    valid = form.validate_on_submit()
    conclusion_ok = typed is None or typed.validate()
    if valid and form.unit_id.data is not None and form.unit_id.data not in set(db.session.scalars(
            recordable_unit_ids(cadre, today()))):
        form.unit_id.errors = [_("The cadre cannot visit this unit.")]
        valid = False
    if valid and form.topic_id.data is not None and db.session.get(Topic, form.topic_id.data) is None:
        form.topic_id.errors = [_("Unknown topic.")]
        valid = False
    if not valid or not conclusion_ok:
        kept = {("direction", cadre.id): form}
        if typed is not None:
            kept[("conclusion", cadre.id)] = typed
        return _render_cadre_page(hearing, cadre.id, 400, kept)
    services.give_direction(hearing, cadre, current_user, text=form.text.data, due_date=form.due_date.data,
                            unit_id=form.unit_id.data, topic_id=form.topic_id.data)
    if typed is not None and services.update_conclusion(hearing, cadre, typed.conclusion.data or "",
                                                        current_user):
        flash(_("The conclusion was saved."), "success")
    flash(_("The direction was recorded; it reaches the cadre's phone at the next sync."), "success")
    return redirect(_cadre_section(hearing, cadre.id))


@bp.post("/<id:hearing_id>/directions/<id:direction_id>")
@roles_required("supervisor", "admin")
def edit_direction(hearing_id: int, direction_id: int):
    """Reword an open direction or move its due date: a new version, which reaches the phone at the
    next pull (a "done" pushed from the old version then answers "conflict")."""
    hearing = _hearing(hearing_id)
    direction = db.session.get(Direction, direction_id)
    if direction is None or direction.hearing_id != hearing.id:
        abort(404)
    form = DirectionForm()
    if not form.validate_on_submit() or direction.state != "open":
        flash(_("The direction could not be changed (write the text and the due date; "
                "a direction already done cannot change)."), "error")
        return redirect(_cadre_section(hearing, direction.cadre_id))
    current = direction_store.locked(direction.id)
    values = {"text": form.text.data.strip(), "due_date": form.due_date.data}
    if any(getattr(current, name) != value for name, value in values.items()):
        direction_store.change(current, current_user.id, "direction_updated", **values)
        flash(_("The direction was changed; the cadre's phone gets it at the next sync."), "success")
    return redirect(_cadre_section(hearing, direction.cadre_id))


def _report_is_job(heard: int) -> bool:
    """A report of more than ``HEARING_DOCX_DIRECT_CADRES`` cadres is written by an export job."""
    return heard > current_app.config["HEARING_DOCX_DIRECT_CADRES"]


@bp.get("/<id:hearing_id>/report.docx")
@roles_required("supervisor", "admin")
def report(hearing_id: int):
    """The report as a file, at once. A long one (a province's: a minute) is an export job, started
    by a form (``report_job``: a GET changes nothing); here it leads to the person's job under way,
    or back to the hearing, whose button starts one."""
    hearing = _hearing(hearing_id)
    heard = _heard(hearing)
    if not _report_is_job(heard):
        return send_file(docx_report.hearing_docx(hearing), as_attachment=True,
                         download_name=docx_report.file_name(hearing), mimetype=docx_report.MIMETYPE)
    job = export_services.unfinished_job(current_user, export_kinds.HEARING, {"hearing": hearing.id}, "docx")
    if job is not None:
        return redirect(url_for("exports.show", job_id=job.id), 303)
    return redirect(url_for("hearings.show", hearing_id=hearing.id), 303)


@bp.post("/<id:hearing_id>/report-job")
@roles_required("supervisor", "admin")
def report_job(hearing_id: int):
    """Start the long report's export job, or lead to the one already under way for this person;
    a report short enough to download at once is sent to its download."""
    hearing = _hearing(hearing_id)
    heard = _heard(hearing)
    if not _report_is_job(heard):
        return redirect(url_for("hearings.report", hearing_id=hearing.id), 303)
    params = {"hearing": hearing.id}
    job = export_services.unfinished_job(current_user, export_kinds.HEARING, params, "docx")
    if job is not None:
        return redirect(url_for("exports.show", job_id=job.id), 303)
    job_id = export_services.create_job(current_user, export_kinds.HEARING, params, "docx", heard).id
    # said before the commit: translating reads the user's language, which would open a new
    # transaction (on SQLite one that takes the write lock the eager runner's progress needs)
    flash(_("This report is long: it is being written in the background. Its download appears "
            "below when it is ready, and it stays under My exports."), "info")
    # committed before the runner (another connection) looks for it; this session is left alone
    # from here
    db.session.commit()
    export_runners.enqueue(job_id)
    return redirect(url_for("exports.show", job_id=job_id), 303)


def _heard(hearing: Hearing) -> int:
    return len(services.heard_cadres(hearing.unit, hearing.month.year)[0])


# -- a cadre's month (the cadre, supervisors in scope) --------------------------------------------

@bp.get("/month/<id:cadre_id>/<month>")
@login_required
def month(cadre_id: int, month: str):
    cadre = db.session.get(User, cadre_id)
    if cadre is None or not scope.can_see_cadre(current_user, cadre):
        abort(404)
    return _month_page(cadre, _month(month))


@bp.get("/my-month")
@login_required
def my_month():
    """The cadre's own month, every month at one address (?month=YYYY-MM, this month by default):
    the phone caches it once and draws it from its own data (pwa/js/views/my-month.js); without
    JavaScript it is the server's page."""
    first = _month(request.args.get("month") or today().strftime("%Y-%m"))
    if first > today():
        abort(404)
    return _month_page(current_user, first, own=True)


def _month_page(cadre: User, first: date, own: bool = False) -> str:
    start, end = month_bounds(first)
    account = db.session.scalar(select(MonthlyAccount).where(
        MonthlyAccount.cadre_id == cadre.id, MonthlyAccount.month == first))
    topics = {t.id: t.name(_locale()) for t in db.session.scalars(select(Topic))}
    directions = db.session.scalars(select(Direction).where(Direction.cadre_id == cadre.id)
                                    .order_by(Direction.state.desc(), Direction.due_date)).all()
    return render_template(
        "hearings/month.html", cadre=cadre, first=first, start=start, end=end, own=own,
        figures=figures([cadre.id], start, end)[cadre.id], visits=month_visits(cadre.id, first),
        account=account, topic_names=topics, form_labels=FORM_LABELS, status_labels=STATUS_LABELS,
        directions=directions, today=today(), previous=services.previous_month_text(first),
        following=services.next_month_text(first))


# -- the cadre's own: directions and the monthly account (work without JavaScript) ---------------

@bp.get("/mine")
@login_required
def mine():
    directions = db.session.scalars(
        select(Direction).where(Direction.cadre_id == current_user.id)
        .order_by(Direction.state.desc(), Direction.due_date, Direction.id)).all()
    return render_template("hearings/mine.html", directions=directions, today=today(),
                           done_form=DoneForm(formdata=None),
                           month=today().strftime("%Y-%m"))


@bp.post("/directions/<id:direction_id>/done")
@login_required
def done(direction_id: int):
    form = DoneForm()
    direction = db.session.get(Direction, direction_id)
    if direction is None or direction.cadre_id != current_user.id:
        abort(404)
    if not form.validate_on_submit() or not (form.base_version.data or "").isdigit():
        flash(_("The direction could not be marked done."), "error")
        return redirect(url_for("hearings.mine")), 303
    result = mark_done(current_user, {"id": uuid.uuid4(), "direction_id": direction.id,
                                      "base_version": int(form.base_version.data),
                                      "note": form.note.data or "", "done_at": None})
    if result.accepted:
        flash(_("The direction is marked done."), "success")
    else:
        flash(_("This direction changed since you opened the page. Look again and retry."), "warning")
    return redirect(url_for("hearings.mine"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    # one path for every month (?month=YYYY-MM, this month by default), so the phone caches it once
    month = request.args.get("month") or today().strftime("%Y-%m")
    first = _month(month)
    if first > today():
        abort(404)
    current = db.session.scalar(select(MonthlyAccount).where(
        MonthlyAccount.cadre_id == current_user.id, MonthlyAccount.month == first))
    form = AccountForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.id.data = str(current.id) if current else ""
        form.base_version.data = str(current.version) if current else ""
    if form.validate_on_submit():
        base = form.base_version.data or ""
        item = {"id": form.id.data or str(uuid.uuid4()),
                "base_version": int(base) if base.isdigit() else None, "month": month,
                "went_well": form.went_well.data or "", "difficulties": form.difficulties.data or "",
                "proposals": form.proposals.data or ""}
        result = push_accounts(current_user, "web", [item])[0]
        if result.accepted:
            flash(_("Your account of the month was saved."), "success")
            return redirect(url_for("hearings.month", cadre_id=current_user.id, month=month))
        form.form_errors.append(
            _("This account was changed elsewhere since you opened it. Reload it and make your change again.")
            if result.status == "conflict" else _("The account could not be saved."))
        for messages in (result.errors or {}).values():
            form.form_errors.extend(messages if isinstance(messages, list) else [str(messages)])
    status = 400 if request.method == "POST" else 200
    return render_template("hearings/account.html", form=form, first=first, month=month), status
