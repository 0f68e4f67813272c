"""Reviewing a visit: approve it (locked for the cadre), return it with a comment, or reopen an
approved one with a reason (a mistaken approval: back to "submitted", the cadre may edit it again).

A review is a change to the visit, so it goes through ``server.visits.store.record_change`` (the
lock, the version, the change number that brings it to the cadre's phone, the audit entry), and it
leaves a ReviewEvent for the visit's history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.permissions import can_review, reviewable_cadre_ids
from server.db import utcnow
from server.extensions import db
from server.review.models import ReviewAction, ReviewEvent
from server.visits import store
from server.visits.models import Visit, VisitStatus

OUTCOME = {ReviewAction.APPROVE: VisitStatus.APPROVED, ReviewAction.RETURN: VisitStatus.RETURNED}


class NotReviewable(Exception):
    """Only a submitted visit can be reviewed; ``current`` is its stored copy."""

    def __init__(self, current: dict[str, Any]):
        super().__init__(f"visit {current['id']} is {current['status']}")
        self.current = current


class CommentRequired(ValueError):
    """A visit goes back to its cadre only with a comment saying what to change, and an approved
    visit is reopened only with the reason."""


class NotApproved(Exception):
    """Only an approved visit can be reopened; ``current`` is its stored copy."""

    def __init__(self, current: dict[str, Any]):
        super().__init__(f"visit {current['id']} is {current['status']}")
        self.current = current


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


def reopen(visit_id: uuid.UUID, reviewer: User, reason: str, *, expected_version: int,
           at: datetime | None = None) -> dict[str, Any] | None:
    """Put an approved visit back to "submitted" (None when there is no such visit).

    Through the store like every review, so the change is audited (action ``visit_reopen``, the
    reason as the supervisor's comment) and its new change number brings it to the cadre's phone
    at the next pull, where it can be edited again. The reviewer fields are cleared: the visit
    awaits a review again. ``StaleVisit`` if it changed since ``expected_version``; scope is the
    caller's check.
    """
    reason = reason.strip()
    if not reason:
        raise CommentRequired()
    current = store.locked_copy(visit_id)
    if current is None:
        return None
    if current["version"] != expected_version:
        raise store.StaleVisit(current)
    if current["status"] != VisitStatus.APPROVED:
        raise NotApproved(current)
    at = at or utcnow()
    after = store.record_change(current, reviewer.id, f"visit_{ReviewAction.REOPEN.value}",
                                status=VisitStatus.SUBMITTED.value, review_comment=reason,
                                reviewed_at=None, reviewed_by_id=None)
    db.session.add(ReviewEvent(visit_id=visit_id, reviewer_id=reviewer.id, action=ReviewAction.REOPEN.value,
                               comment=reason, visit_version=current["version"], created_at=at))
    return after


def visit_for_reviewer(reviewer: User, visit_id: uuid.UUID) -> Visit | None:
    """The visit if ``reviewer`` may review it; None for an unknown id and for anyone else's, alike."""
    visit = db.session.get(Visit, visit_id)
    return visit if visit is not None and can_review(reviewer, visit) else None


@dataclass(frozen=True)
class BulkOutcome:
    approved: int
    #: visits left as they were: reviewed or changed meanwhile, or not the reviewer's to review
    skipped: int


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk approval would do, shown for confirmation before anything is written."""

    #: the picked visits still awaiting review at the version read, the reviewer's to review
    visits: list[Visit]
    #: picked visits that would be left as they are (changed, reviewed meanwhile, not theirs)
    left: int

    def by_cadre(self) -> list[tuple[User, list[Visit]]]:
        """Whose visits: each cadre with their visits, by name, each cadre's oldest visit first."""
        grouped: dict[int, tuple[User, list[Visit]]] = {}
        for visit in sorted(self.visits, key=lambda v: (v.start_date, v.received_at)):
            grouped.setdefault(visit.cadre_id, (visit.cadre, []))[1].append(visit)
        return sorted(grouped.values(), key=lambda pair: (pair[0].full_name.casefold(), pair[0].id))


def bulk_preview(reviewer: User, items: list[tuple[uuid.UUID, int]]) -> BulkPreview:
    """The visits ``approve_many`` would approve now, for the reviewer to confirm (count, whose)."""
    versions = dict(items)
    found = db.session.scalars(
        select(Visit).options(selectinload(Visit.cadre), selectinload(Visit.unit)).where(
            Visit.id.in_(list(versions)), Visit.status == VisitStatus.SUBMITTED,
            Visit.cadre_id.in_(reviewable_cadre_ids(reviewer)))).all()
    ready = [visit for visit in found if visit.version == versions[visit.id]]
    return BulkPreview(ready, len(versions) - len(ready))


def approve_many(reviewer: User, items: list[tuple[uuid.UUID, int]]) -> BulkOutcome:
    """Approve each (visit id, version read) that is still submitted at that version."""
    allowed = set(db.session.scalars(select(Visit.id).where(
        Visit.id.in_([visit_id for visit_id, _ in items]),
        Visit.cadre_id.in_(reviewable_cadre_ids(reviewer)))))
    approved = 0
    for visit_id, version in dict(items).items():
        if visit_id not in allowed:
            continue
        try:
            if review(visit_id, reviewer, ReviewAction.APPROVE, expected_version=version) is not None:
                approved += 1
        except (store.StaleVisit, NotReviewable):
            pass
    return BulkOutcome(approved, len(set(dict(items))) - approved)
