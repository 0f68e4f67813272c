"""Read-only queries of the hearing feature used by other features (sync bootstrap)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from server.extensions import db
from server.hearings.models import MonthlyAccount


def recent_accounts(cadre_id: int, on: date) -> list[MonthlyAccount]:
    """The cadre's accounts from January of last year to ``on``'s month, newest first: the months
    the phone can show ("Tháng của tôi"), the same window as the visits a device keeps."""
    return list(db.session.scalars(select(MonthlyAccount).where(
        MonthlyAccount.cadre_id == cadre_id, MonthlyAccount.month >= date(on.year - 1, 1, 1),
        MonthlyAccount.month <= on).order_by(MonthlyAccount.month.desc())))
