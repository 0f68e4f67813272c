"""Units: browse the tree, create, edit, retire, merge into a successor."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from server.admin.blueprint import bp, get_or_404, tree_page, unit_choices
from server.admin.forms import MergeForm, RetireForm, UnitFilterForm, UnitForm
from server.audit.services import record
from server.extensions import db
from server.ids import to_id
from server.time import today
from server.units import services
from server.units.models import Unit
from server.units.tree import units_in_tree_order
from server.visits.models import Visit


@bp.get("/units")
def units():
    form = UnitFilterForm(request.args)
    query = select(Unit)
    if form.validate() and form.q.data:
        needle = form.q.data.strip()
        query = query.where(or_(Unit.name.icontains(needle, autoescape=True),
                                Unit.code.icontains(needle, autoescape=True)))
    status, on = request.args.get("status", "current"), today()
    if status == "current":
        query = query.where(or_(Unit.valid_to.is_(None), Unit.valid_to >= on))
    elif status == "retired":
        query = query.where(Unit.valid_to < on)
    return render_template("admin/units.html", form=form, page=tree_page(query), today=on)


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.parent_id.choices = [(None, _("(none: a top unit)")), *unit_choices(current_only=False)]
    return form


def _check_unit(form: UnitForm, unit: Unit | None) -> bool:
    code = (form.code.data or "").strip() or None
    if code and services.code_taken(code, unit.id if unit else None):
        form.code.errors.append(_("Another unit already has this code."))
        return False
    parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
    if unit is not None and parent is not None and services.is_within(parent, unit):
        form.parent_id.errors.append(_("A unit cannot be placed under itself or a unit below it."))
        return False
    return True


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    form = _unit_form()
    if request.method == "GET" and request.args.get("parent", type=to_id):
        form.parent_id.data = request.args.get("parent", type=to_id)
    if form.validate_on_submit() and _check_unit(form, None):
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        unit = services.create_unit(form.name.data.strip(), form.kind.data, parent,
                                    (form.code.data or "").strip() or None,
                                    form.valid_from.data, form.valid_to.data)
        record("create", "unit", unit.id, actor_id=current_user.id, name=unit.name, code=unit.code)
        flash(_("Unit created."), "success")
        return redirect(url_for("admin.unit_edit", unit_id=unit.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/unit_form.html", form=form, unit=None), status


@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit() and _check_unit(form, unit):
        before = {"name": unit.name, "kind": unit.kind, "code": unit.code, "parent_id": unit.parent_id,
                  "valid_from": unit.valid_from, "valid_to": unit.valid_to}
        unit.name, unit.kind = form.name.data.strip(), form.kind.data
        unit.code = (form.code.data or "").strip() or None
        unit.valid_from, unit.valid_to = form.valid_from.data, form.valid_to.data
        if form.parent_id.data != unit.parent_id:
            parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
            services.move_unit(unit, parent)
        after = {"name": unit.name, "kind": unit.kind, "code": unit.code, "parent_id": unit.parent_id,
                 "valid_from": unit.valid_from, "valid_to": unit.valid_to}
        changes = {k: [str(before[k]) if before[k] is not None else None,
                       str(after[k]) if after[k] is not None else None]
                   for k in before if before[k] != after[k]}
        if changes:
            record("update", "unit", unit.id, actor_id=current_user.id, changes=changes)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.unit_edit", unit_id=unit.id))
    children = units_in_tree_order(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)))
    visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.unit_id == unit.id))
    retire = RetireForm(on=today())
    status = 400 if request.method == "POST" else 200
    return render_template("admin/unit_form.html", form=form, unit=unit, children=children,
                           visits=visits, retire=retire, counted_under=services.successor_of(unit)), status


@bp.post("/units/<id:unit_id>/retire")
def unit_retire(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = RetireForm()
    if form.validate_on_submit():
        services.retire_unit(unit, form.on.data, current_user.id)
        flash(_("The unit is retired; its visits and history stay."), "success")
    else:
        flash(_("Give the last day the unit exists."), "error")
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))


@bp.route("/units/merge", methods=["GET", "POST"])
def unit_merge():
    form = MergeForm()
    current = unit_choices()
    form.sources.choices = current
    form.successor_id.choices = [(None, _("(a new unit)")), *current]
    form.new_parent_id.choices = [(None, _("(none: a top unit)")), *current]
    if request.method == "GET":
        form.sources.data = request.args.getlist("unit", type=to_id)
        form.on.data = today()
    if form.validate_on_submit() and _merge(form):
        return redirect(url_for("admin.units"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/unit_merge.html", form=form), status


def _merge(form: MergeForm) -> bool:
    sources = list(db.session.scalars(select(Unit).where(Unit.id.in_(form.sources.data))))
    if form.successor_id.data:
        successor = db.session.get(Unit, form.successor_id.data)
        if successor.id in form.sources.data:
            form.successor_id.errors.append(_("A unit cannot be merged into itself."))
            return False
    else:
        code = (form.new_code.data or "").strip() or None
        if code and services.code_taken(code):
            form.new_code.errors.append(_("Another unit already has this code."))
            return False
        parent = db.session.get(Unit, form.new_parent_id.data) if form.new_parent_id.data else None
        # the new unit starts on the merger's day; an existing successor keeps its own dates
        successor = services.create_unit(form.new_name.data.strip(), form.new_kind.data or sources[0].kind,
                                         parent, code, valid_from=form.on.data)
        record("create", "unit", successor.id, actor_id=current_user.id, name=successor.name, code=code)
    services.merge_units(sources, successor, form.on.data, current_user.id)
    flash(_("%(count)s units merged into %(name)s from %(date)s.", count=len(sources), name=successor.name,
            date=form.on.data.strftime("%d/%m/%Y")), "success")
    return True
