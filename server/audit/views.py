"""The audit log for admins: who did what to which record, and when."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from server.audit.forms import AuditFilterForm
from server.audit.queries import audit_page, known_actions
from server.audit.wording import Names, describe
from server.auth.models import Role, User
from server.auth.permissions import roles_required
from server.extensions import db
from server.ids import to_id

bp = Blueprint("audit", __name__, url_prefix="/audit", template_folder="templates")


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    form = AuditFilterForm(formdata=request.args)
    actors = db.session.execute(select(User.id, User.full_name).order_by(User.full_name)).all()
    form.set_choices([(a.id, a.full_name) for a in actors], known_actions())
    form.validate()
    before = request.args.get("before", type=to_id)  # out of range: from the newest
    page = audit_page(form.to_filter(), before)
    next_url = None
    if page.next_before is not None:
        next_url = url_for("audit.index", **{**request.args.to_dict(), "before": page.next_before})
    names = Names.load(page.entries)
    rows = [(entry, describe(entry, names)) for entry in page.entries]
    return render_template("audit/index.html", form=form, rows=rows, next_url=next_url)
