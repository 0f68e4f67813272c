"""The home page: what each role needs to see first."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from server.auth.models import Role
from server.home import services
from server.time import today

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
@login_required
def index():
    progress = services.year_progress(current_user, today().year)
    queue = None
    if current_user.role in (Role.SUPERVISOR, Role.ADMIN):
        queue = services.awaiting_review_count(current_user)
    return render_template(
        "home/index.html",
        progress=progress,
        queue=queue,
        recent=services.recent_visits(current_user),
        returned=services.returned_visits(current_user),
    )
