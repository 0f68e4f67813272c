"""Which unit a visit counts for when units have merged since: the last of its successors."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import CTE, Select, Subquery

from server.units.models import Unit

#: a successor chain longer than this is a data error, not history to follow
MAX_SUCCESSIONS = 10


def succession(name: str, stop_at: Select | None = None) -> CTE:
    """``(src, cur, nxt, depth)``: every unit (``cur`` = ``src``), then each of its successors in
    turn (a recursive CTE; the same SQL on SQLite and PostgreSQL). A chain ends at a unit with no
    successor, after MAX_SUCCESSIONS steps, or at a unit of ``stop_at`` (ids) when given."""
    chain = select(Unit.id.label("src"), Unit.id.label("cur"), Unit.successor_id.label("nxt"),
                   literal(0).label("depth")).cte(name, recursive=True)
    step = aliased(Unit)
    more = [chain.c.depth < MAX_SUCCESSIONS]
    if stop_at is not None:
        more.append(chain.c.cur.not_in(stop_at))
    return chain.union_all(select(chain.c.src, step.id, step.successor_id, chain.c.depth + 1)
                           .join(step, step.id == chain.c.nxt).where(*more))


def final_units() -> Subquery:
    """``(src, unit_id)``: every unit and the unit that carries it today, following successors
    to the end. A merged commune and the commune that took it over are one unit reached, not two."""
    chain = succession("succession")
    return (select(chain.c.src, chain.c.cur.label("unit_id"))
            .where((chain.c.nxt.is_(None)) | (chain.c.depth == MAX_SUCCESSIONS))
            .subquery("final_unit"))
