"""Read-only queries of the hearing feature used by other features (sync bootstrap)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from server.extensions import db
from server.hearings.models import MonthlyAccount


def previous_month(month: date) -> date:
    first = month.replace(day=1)
    return (first.replace(year=first.year - 1, month=12) if first.month == 1
            else first.replace(month=first.month - 1))


def recent_accounts(cadre_id: int, on: date) -> list[MonthlyAccount]:
    """The cadre's accounts of ``on``'s month and the one before (the ones still written)."""
    months = [on.replace(day=1), previous_month(on)]
    return list(db.session.scalars(select(MonthlyAccount).where(
        MonthlyAccount.cadre_id == cadre_id, MonthlyAccount.month.in_(months))
        .order_by(MonthlyAccount.month.desc())))
