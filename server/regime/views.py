"""The regime's page: how dicoso counts, in words (linked from every figure), and the template
helpers every screen uses to show a figure the same way."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import login_required

from server.regime.counting import EVALUATION, WORKING, decimal_text
from server.regime.neglect import NOT_VISITED_DAYS
from server.visits.rules import REPORT_DUE_DAYS

bp = Blueprint("regime", __name__, url_prefix="/regime", template_folder="templates")


@bp.app_template_filter("decimal")
def decimal_filter(value: Decimal | float, places: int = 1) -> str:
    """66,7 in Vietnamese, 66.7 in English; rounded half up."""
    return decimal_text(value, str(get_locale() or "vi"), places)


@bp.get("/")
@login_required
def rules():
    return render_template("regime/rules.html", working=WORKING, evaluation=EVALUATION,
                           due_days=REPORT_DUE_DAYS, flag_days=NOT_VISITED_DAYS)
