"""Users: list and filter, create, edit, deactivate and reactivate, reset a password or two-factor."""

from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from server.admin.blueprint import bp, get_or_404, no_store, paginate, unit_choices
from server.admin.forms import ActionForm, UserFilterForm, UserForm
from server.auth import services
from server.auth.models import User
from server.extensions import db
from server.twofactor import services as twofactor
from server.units.models import Unit


@bp.get("/users")
def users():
    form = UserFilterForm(request.args)
    query = select(User).join(User.unit).order_by(User.full_name, User.id)
    if form.validate():
        if form.q.data:
            needle = form.q.data.strip()
            query = query.where(or_(User.full_name.icontains(needle, autoescape=True),
                                    User.username.icontains(needle, autoescape=True)))
        if form.role.data:
            query = query.where(User.role == form.role.data)
    status = request.args.get("status", "active")
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    return render_template("admin/users.html", form=form, page=paginate(query))


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.unit_id.choices = unit_choices(current_only=user is None)
    if user is not None:
        del form.username  # a username never changes: history and sign-ins refer to it
    return form


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        if services.username_taken(form.username.data):
            form.username.errors.append(_("This username is already taken."))
        else:
            user, password = services.create_user_with_temporary_password(
                current_user, username=form.username.data, full_name=form.full_name.data.strip(),
                unit=db.session.get(Unit, form.unit_id.data), role=form.role.data,
                is_full_time=form.is_full_time.data, is_probationary=form.is_probationary.data,
                position=form.position.data or None, locale=form.locale.data)
            return _show_password(user, password)
    elif request.method == "GET":
        form.is_full_time.data = True
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != user.role:
            form.role.errors.append(_("You cannot change your own role."))
        else:
            changed = services.update_user(user, current_user, **{
                "full_name": form.full_name.data.strip(), "role": form.role.data,
                "unit_id": form.unit_id.data,
                "is_full_time": form.is_full_time.data, "is_probationary": form.is_probationary.data,
                "position": form.position.data or None, "locale": form.locale.data})
            flash(_("Saved.") if changed else _("Nothing to change."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=user, action=ActionForm()), status


def _show_password(user: User, password: str) -> Response:
    return no_store(make_response(render_template("admin/password_once.html", user=user, password=password)))


def _not_self(user: User) -> None:
    if user.id == current_user.id:
        abort(400)


@bp.post("/users/<id:user_id>/deactivate")
def user_deactivate(user_id: int):
    user = get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        _not_self(user)
        services.deactivate_user(user, current_user)
        flash(_("%(name)s is deactivated and signed out everywhere.", name=user.full_name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/users/<id:user_id>/reactivate")
def user_reactivate(user_id: int):
    user = get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        services.reactivate_user(user, current_user)
        password = services.reset_password(user, current_user)
        return _show_password(user, password)
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/users/<id:user_id>/reset-password")
def user_reset_password(user_id: int):
    user = get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    _not_self(user)
    password = services.reset_password(user, current_user)
    return _show_password(user, password)


@bp.post("/users/<id:user_id>/reset-two-factor")
def user_reset_two_factor(user_id: int):
    """Clear someone's two-factor sign-in (a lost phone and no recovery code left): they are signed
    out everywhere and sign in with the password alone, or set it up again if their role requires."""
    user = get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    _not_self(user)  # one's own: turn it off in one's settings, with the password and a code
    if user.has_two_factor:
        twofactor.reset(user, current_user)
        flash(_("Two-factor sign-in of %(name)s is reset; they are signed out everywhere.",
                name=user.full_name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))
