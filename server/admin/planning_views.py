"""Assignments (the notice), probationary placements, plans with their exemptions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from server.admin.blueprint import bp, get_or_404, paginate, unit_choices, unit_label, user_choices
from server.admin.forms import ActionForm, AssignmentForm, ExemptionForm, PlacementForm, PlanForm
from server.auth.models import User
from server.extensions import db
from server.planning import services
from server.planning.models import Assignment, Placement, Plan, PlanExemption
from server.time import today
from server.units.models import Unit, UnitKind
from server.units.services import current_units_query
from server.units.tree import by_former_district, units_in_tree_order
from server.visits.models import Topic

GRASSROOTS = (UnitKind.COMMUNE.value, UnitKind.WARD.value)


def _status(code: int) -> int:
    return code if request.method == "POST" else 200


# -- assignments -----------------------------------------------------------------------------------

@bp.route("/assignments", methods=["GET", "POST"])
def assignments():
    form = AssignmentForm()
    form.cadre_id.choices = user_choices()
    units = units_in_tree_order(db.session.scalars(current_units_query(today())
                                                   .where(Unit.kind.in_(GRASSROOTS))))
    form.unit_ids.choices = [(u.id, unit_label(u)) for u in units]
    if request.method == "GET":
        form.start_date.data = today()
    if form.validate_on_submit():
        cadre = db.session.get(User, form.cadre_id.data)
        units = list(db.session.scalars(select(Unit).where(Unit.id.in_(form.unit_ids.data))))
        services.assign_units(cadre, units, form.start_date.data, form.end_date.data,
                              form.notice_number.data or None, form.notice_date.data, current_user)
        flash(_("%(name)s is in charge of %(count)s units.", name=cadre.full_name, count=len(units)),
              "success")
        return redirect(url_for("admin.assignments"))
    query = select(Assignment).join(Assignment.cadre).join(Assignment.unit).order_by(
        Assignment.start_date.desc(), User.full_name, Unit.name)
    q = request.args.get("q", "").strip().lower()
    if q:
        query = query.where(or_(*(column.icontains(q, autoescape=True) for column in (
            User.full_name, User.username, Unit.name, Assignment.notice_number))))
    if request.args.get("current", "1") == "1":
        query = query.where(or_(Assignment.end_date.is_(None), Assignment.end_date >= today()))
    return render_template("admin/assignments.html", form=form, page=paginate(query), q=q,
                           end=ActionForm(), unit_groups=by_former_district(units)), _status(400)


@bp.post("/assignments/<id:assignment_id>/end")
def assignment_end(assignment_id: int):
    assignment = get_or_404(Assignment, assignment_id)
    if ActionForm().validate_on_submit():
        services.end_assignment(assignment, today(), current_user)
        flash(_("The assignment ends today."), "success")
    return redirect(url_for("admin.assignments"))


# -- placements ------------------------------------------------------------------------------------

def _placement_form(placement: Placement | None = None) -> PlacementForm:
    form = PlacementForm(obj=placement)
    form.cadre_id.choices = user_choices(probationary=True)
    form.unit_id.choices = unit_choices(kinds=GRASSROOTS)
    topics = db.session.scalars(select(Topic).where(Topic.active.is_(True))
                                .order_by(Topic.position, Topic.id)).all()
    locale = current_user.locale
    form.topic_ids.choices = [(t.id, t.name(locale)) for t in topics]
    if placement is not None and request.method == "GET":
        form.tasks.data = "\n".join(placement.tasks or [])
    return form


def _tasks(form: PlacementForm) -> list[str]:
    ids = form.topic_ids.data or []
    topics = {t.id: t.name_vi for t in db.session.scalars(select(Topic).where(Topic.id.in_(ids)))}
    chosen = [topics[i] for i in form.topic_ids.data or [] if i in topics]
    free = [line.strip() for line in (form.tasks.data or "").splitlines() if line.strip()]
    return chosen + [t for t in free if t not in chosen]


@bp.route("/placements", methods=["GET", "POST"])
def placements():
    form = _placement_form()
    if request.method == "GET":
        form.start_date.data = today()
    if form.validate_on_submit():
        start = form.start_date.data
        cadre, unit = db.session.get(User, form.cadre_id.data), db.session.get(Unit, form.unit_id.data)
        end = form.end_date.data or services.default_placement_end(start)
        services.create_placement(cadre, unit, start, end, _tasks(form), form.mentor_name.data or None,
                                  current_user)
        flash(_("Placement saved."), "success")
        return redirect(url_for("admin.placements"))
    query = select(Placement).join(Placement.cadre).order_by(Placement.start_date.desc(), Placement.id.desc())
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(or_(User.full_name.icontains(q, autoescape=True),
                                User.username.icontains(q, autoescape=True)))
    return render_template("admin/placements.html", form=form, page=paginate(query), q=q), _status(400)


@bp.route("/placements/<id:placement_id>", methods=["GET", "POST"])
def placement_edit(placement_id: int):
    placement = get_or_404(Placement, placement_id)
    form = _placement_form(placement)
    if form.validate_on_submit():
        start = form.start_date.data
        services.update_placement(placement, current_user, cadre_id=form.cadre_id.data,
                                  unit_id=form.unit_id.data, start_date=start,
                                  end_date=form.end_date.data or services.default_placement_end(start),
                                  tasks=_tasks(form), mentor_name=form.mentor_name.data or None)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.placements"))
    return render_template("admin/placement_form.html", form=form, placement=placement), _status(400)


# -- plans -----------------------------------------------------------------------------------------

def _plan_form(plan: Plan | None = None) -> PlanForm:
    form = PlanForm(obj=plan)
    form.covered_unit_id.choices = [(None, _("every full-time cadre")), *unit_choices(current_only=False)]
    return form


def _save_plan(form: PlanForm, plan: Plan | None) -> Plan | None:
    other = services.plan_for_year(form.year.data)
    if other is not None and other is not plan:
        form.year.errors.append(_("There is already a plan for %(year)s.", year=form.year.data))
        return None
    return services.save_plan(plan, current_user, year=form.year.data, title=form.title.data.strip(),
                              document_number=form.document_number.data or None,
                              document_date=form.document_date.data, minimum_days=form.minimum_days.data,
                              covered_unit_id=form.covered_unit_id.data,
                              back_entry_before=form.back_entry_before.data)


@bp.route("/plans", methods=["GET", "POST"])
def plans():
    form = _plan_form()
    if request.method == "GET":
        form.year.data = today().year
    if form.validate_on_submit() and (plan := _save_plan(form, None)) is not None:
        flash(_("Plan saved."), "success")
        return redirect(url_for("admin.plan_edit", plan_id=plan.id))
    page = paginate(select(Plan).order_by(Plan.year.desc()))
    return render_template("admin/plans.html", form=form, page=page), _status(400)


@bp.route("/plans/<id:plan_id>", methods=["GET", "POST"])
def plan_edit(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    form = _plan_form(plan)
    if form.validate_on_submit() and _save_plan(form, plan) is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("admin.plan_edit", plan_id=plan.id))
    exemption = ExemptionForm(prefix="x")
    exemption.cadre_id.choices = user_choices()
    return _plan_page(plan, form, exemption, _status(400))


def _plan_page(plan: Plan, form: PlanForm, exemption: ExemptionForm, status: int):
    exemptions = db.session.scalars(select(PlanExemption).join(PlanExemption.cadre)
                                    .where(PlanExemption.plan_id == plan.id).order_by(User.full_name)).all()
    return render_template("admin/plan_form.html", plan=plan, form=form, exemption=exemption,
                           exemptions=exemptions, remove=ActionForm()), status


@bp.post("/plans/<id:plan_id>/exemptions")
def plan_exempt(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    exemption = ExemptionForm(prefix="x")
    exemption.cadre_id.choices = user_choices()
    if exemption.validate_on_submit():
        cadre = db.session.get(User, exemption.cadre_id.data)
        if any(e.cadre_id == cadre.id for e in plan.exemptions):
            exemption.cadre_id.errors.append(_("This cadre already has an exemption in this plan."))
        else:
            services.add_exemption(plan, cadre, exemption.reason.data.strip(), exemption.minimum_days.data,
                                   exemption.start_date.data, exemption.end_date.data, current_user)
            flash(_("Exemption saved."), "success")
            return redirect(url_for("admin.plan_edit", plan_id=plan.id))
    return _plan_page(plan, _plan_form(plan), exemption, 400)


@bp.post("/plans/<id:plan_id>/exemptions/<id:exemption_id>/remove")
def plan_unexempt(plan_id: int, exemption_id: int):
    exemption = get_or_404(PlanExemption, exemption_id)
    if exemption.plan_id != plan_id:
        return redirect(url_for("admin.plan_edit", plan_id=plan_id))
    if ActionForm().validate_on_submit():
        services.remove_exemption(exemption, current_user)
        flash(_("Exemption removed."), "success")
    return redirect(url_for("admin.plan_edit", plan_id=plan_id))
