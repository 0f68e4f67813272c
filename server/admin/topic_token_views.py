"""Topics (order, retire, labels in both languages) and every user's device tokens."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from server.admin.blueprint import bp, get_or_404, paginate
from server.admin.forms import ActionForm, TopicForm
from server.audit.services import record
from server.auth.models import DeviceToken, User
from server.db import utcnow
from server.extensions import db
from server.tokens.services import revoke_token
from server.visits.models import Topic


def _name_taken(name_vi: str, topic: Topic | None) -> bool:
    found = db.session.scalar(select(Topic.id).where(Topic.name_vi == name_vi))
    return found is not None and (topic is None or found != topic.id)


@bp.route("/topics", methods=["GET", "POST"])
def topics():
    form = TopicForm()
    if form.validate_on_submit():
        if _name_taken(form.name_vi.data.strip(), None):
            form.name_vi.errors.append(_("A topic with this name already exists."))
        else:
            topic = Topic(name_vi=form.name_vi.data.strip(), name_en=form.name_en.data.strip(),
                          position=form.position.data or 0)
            db.session.add(topic)
            db.session.flush()
            record("create", "topic", topic.id, actor_id=current_user.id, name_vi=topic.name_vi)
            flash(_("Topic added."), "success")
            return redirect(url_for("admin.topics"))
    page = paginate(select(Topic).order_by(Topic.active.desc(), Topic.position, Topic.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/topics.html", form=form, page=page, action=ActionForm()), status


@bp.route("/topics/<id:topic_id>", methods=["GET", "POST"])
def topic_edit(topic_id: int):
    topic = get_or_404(Topic, topic_id)
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        if _name_taken(form.name_vi.data.strip(), topic):
            form.name_vi.errors.append(_("A topic with this name already exists."))
        else:
            topic.name_vi, topic.name_en = form.name_vi.data.strip(), form.name_en.data.strip()
            topic.position = form.position.data or 0
            record("update", "topic", topic.id, actor_id=current_user.id, name_vi=topic.name_vi,
                   name_en=topic.name_en, position=topic.position)
            flash(_("Saved."), "success")
            return redirect(url_for("admin.topics"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/topic_form.html", form=form, topic=topic), status


@bp.post("/topics/<id:topic_id>/active")
def topic_toggle(topic_id: int):
    """Retire a topic (kept on old visits, no longer offered) or bring it back."""
    topic = get_or_404(Topic, topic_id)
    if ActionForm().validate_on_submit():
        topic.active = not topic.active
        record("restore" if topic.active else "retire", "topic", topic.id, actor_id=current_user.id)
    return redirect(url_for("admin.topics"))


@bp.get("/tokens")
def tokens():
    query = select(DeviceToken).join(DeviceToken.user).order_by(DeviceToken.created_at.desc(), DeviceToken.id)
    username = request.args.get("user", "").strip().lower()
    if username:
        query = query.where(User.username == username)
    if request.args.get("all") != "1":
        query = query.where(DeviceToken.revoked_at.is_(None), DeviceToken.expires_at > utcnow())
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    return render_template("admin/tokens.html", page=paginate(query), user=user, username=username,
                           action=ActionForm())


@bp.post("/tokens/<id:token_id>/revoke")
def token_revoke(token_id: int):
    if ActionForm().validate_on_submit():
        if revoke_token(current_user, token_id) is None:
            abort(404)
        flash(_("The device is signed out."), "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("admin.tokens"))


@bp.post("/users/<id:user_id>/tokens/revoke")
def tokens_revoke_all(user_id: int):
    user = get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        revoked = []
        for token in db.session.scalars(select(DeviceToken).where(DeviceToken.user_id == user.id,
                                                                  DeviceToken.revoked_at.is_(None))):
            token.revoked_at = utcnow()
            revoked.append(token.id)
        count = len(revoked)
        record("revoke_all", "user", user.id, actor_id=current_user.id, tokens=count, token_ids=revoked)
        flash(_("%(count)s devices of %(name)s are signed out.", count=count, name=user.full_name), "success")
    return redirect(url_for("admin.tokens", user=user.username))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)
