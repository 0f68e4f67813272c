"""The admin pages: the blueprint with every sub-feature's routes registered on it."""

from __future__ import annotations

from flask import render_template

from server.admin import (  # noqa: F401
    import_views,
    letterhead_views,
    planning_views,
    topic_token_views,
    unit_views,
    user_views,
)
from server.admin.blueprint import bp
from server.admin.setup_steps import setup_steps
from server.time import today

__all__ = ["bp"]


@bp.get("/")
def index():
    on = today()
    return render_template("admin/index.html", steps=setup_steps(on), year=on.year)
