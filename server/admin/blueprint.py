"""The admin blueprint and what every admin page shares: the admin-only guard, choices, paging."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select

from server.auth.models import Role, User
from server.extensions import db, login_manager
from server.ids import is_id
from server.time import today
from server.units.models import Unit
from server.units.services import current_units_query
from server.units.tree import units_in_tree_order

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

PER_PAGE = 25
MAX_PAGE = 100_000


@bp.before_request
def _admins_only():
    """Anonymous visitors go to sign-in; everyone but admins gets 403 on every admin page."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != Role.ADMIN:
        abort(403)
    return None


@bp.context_processor
def _labels() -> dict[str, Any]:
    from server.admin.forms import kind_choices, role_choices

    roles, kinds = dict(role_choices()), dict(kind_choices())
    return {"today_date": today, "role_label": lambda code: roles.get(code, code),
            "kind_label": lambda code: kinds.get(code, code)}


def no_store(response: Response) -> Response:
    """Pages that show a secret once must not stay in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def paginate(query: Select) -> Any:
    """One page of ``query`` (``?page=``), 25 rows; a page past the end is empty, not an error."""
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=PER_PAGE,
                       error_out=False, max_per_page=PER_PAGE)


class _ListPagination(Pagination):
    """A page of a list already in memory (Flask-SQLAlchemy pages queries only)."""

    def _query_items(self) -> list[Any]:
        return self._query_args["items"][self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def tree_page(query: Select) -> Any:
    """One page of the units ``query`` selects, in tree order (``units_in_tree_order``): the order
    is worked out in Python from four columns of every match, then only the page's units load."""
    rows = db.session.execute(query.with_only_columns(Unit.id, Unit.path, Unit.kind, Unit.name)).all()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    result = _ListPagination(page=page, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False,
                             items=units_in_tree_order(rows))
    ids = [row.id for row in result.items]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    result.items = [units[i] for i in ids]
    return result


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})" if unit.code else unit.name


def unit_choices(current_only: bool = True, kinds: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
    """Units for a select, in tree order (``units_in_tree_order``)."""
    query = current_units_query(today()) if current_only else select(Unit)
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    return [(u.id, unit_label(u)) for u in units_in_tree_order(db.session.scalars(query))]


def user_choices(probationary: bool | None = None) -> list[tuple[int, str]]:
    """Active users for a select, by name."""
    query = select(User).where(User.active.is_(True))
    if probationary is not None:
        query = query.where(User.is_probationary.is_(probationary))
    return [(u.id, f"{u.full_name} ({u.username})")
            for u in db.session.scalars(query.order_by(User.full_name, User.id))]


def get_or_404(model: type, object_id: int) -> Any:
    obj = db.session.get(model, object_id) if is_id(object_id) else None
    if obj is None:
        abort(404)
    return obj
