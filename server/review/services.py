"""Reviewing a visit: approve it (locked for the cadre) or return it with a comment.

A review is a change to the visit, so it goes through ``server.visits.store.record_change`` (the
lock, the version, the change number that brings it to the cadre's phone, the audit entry), and it
leaves a ReviewEvent for the visit's history.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from server.auth.models import User
from server.db import utcnow
from server.extensions import db
from server.review.models import ReviewAction, ReviewEvent
from server.visits import store
from server.visits.models import VisitStatus

OUTCOME = {ReviewAction.APPROVE: VisitStatus.APPROVED, ReviewAction.RETURN: VisitStatus.RETURNED}


class NotReviewable(Exception):
    """Only a submitted visit can be reviewed; ``current`` is its stored copy."""

    def __init__(self, current: dict[str, Any]):
        super().__init__(f"visit {current['id']} is {current['status']}")
        self.current = current


class CommentRequired(ValueError):
    """A visit goes back to its cadre only with a comment saying what to change."""


def review(visit_id: uuid.UUID, reviewer: User, action: ReviewAction, *, comment: str | None = None,
           expected_version: int | None = None, at: datetime | None = None) -> dict[str, Any] | None:
    """Approve or return one visit; None when there is no such visit.

    ``expected_version`` is the version the reviewer read: if the visit changed since (the cadre
    edited it, another supervisor reviewed it), ``StaleVisit`` is raised and nothing is written.
    Scope (may this reviewer see the visit?) is the caller's check.
    """
    comment = (comment or "").strip() or None
    if action == ReviewAction.RETURN and comment is None:
        raise CommentRequired()
    current = store.locked_copy(visit_id)
    if current is None:
        return None
    if expected_version is not None and current["version"] != expected_version:
        raise store.StaleVisit(current)
    if current["status"] != VisitStatus.SUBMITTED:
        raise NotReviewable(current)
    at = at or utcnow()
    after = store.record_change(
        current, reviewer.id, f"visit_{action.value}", status=OUTCOME[action].value,
        review_comment=comment if action == ReviewAction.RETURN else None,
        reviewed_at=at, reviewed_by_id=reviewer.id,
    )
    db.session.add(ReviewEvent(visit_id=visit_id, reviewer_id=reviewer.id, action=action.value,
                               comment=comment, visit_version=current["version"], created_at=at))
    return after
