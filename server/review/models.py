"""The history of each visit's reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.db import Base, UTCDateTime, utcnow
from server.visits.models import Visit


class ReviewAction(StrEnum):
    APPROVE = "approve"
    RETURN = "return"
    #: an approved visit put back to "submitted" (a mistaken approval), with the reason
    REOPEN = "reopen"


class ReviewEvent(Base):
    """A supervisor approving a visit, returning it with a comment, or reopening an approved one
    with the reason."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    #: the visit version that was reviewed
    visit_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()
    reviewer: Mapped[User] = relationship()
