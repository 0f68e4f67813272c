"""The home page: what each role needs to see first."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from server.auth.models import Role
from server.home import services
from server.regime.standing import standing
from server.time import today
from server.visits.queries import placement_of_the_day

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
@login_required
def index():
    on = today()
    year = standing(current_user, on) if current_user.role == Role.CADRE else None
    queue = None
    if current_user.role in (Role.SUPERVISOR, Role.ADMIN):
        queue = services.awaiting_review_count(current_user)
    return render_template(
        "home/index.html",
        year=year,
        by_status=services.visits_by_status(current_user, on.year) if year else {},
        queue=queue,
        recent=services.recent_visits(current_user),
        returned=services.returned_visits(current_user),
        placement=placement_of_the_day(current_user, on) if current_user.role == Role.CADRE else None,
        today=on,
    )
