"""Visits to the grassroots (lượt đi cơ sở) and the topics they cover."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, String, Table, Text, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.db import Base, UTCDateTime, utcnow
from server.planning.models import Placement
from server.units.models import Unit


class VisitForm(StrEnum):
    """The four forms a visit takes, in the order the plan lists them."""

    SURVEY = "survey"
    ACTIVITY = "activity"
    INSPECTION = "inspection"
    MEETING = "meeting"


class VisitStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"  # locked: the cadre can no longer change it
    RETURNED = "returned"  # sent back with a comment, for the cadre to edit and resubmit


class Topic(Base):
    """A work topic kept by admins (congress preparation, youth economic models …)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    #: the admins' order for lists (ties by id)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


visit_topics = Table(
    "visit_topics",
    Base.metadata,
    Column("visit_id", Uuid, ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id"), primary_key=True),
)

#: the hearing's directions a visit carries out (server/hearings); written only by store.py
visit_directions = Table(
    "visit_directions",
    Base.metadata,
    Column("visit_id", Uuid, ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("direction_id", ForeignKey("directions.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


#: the rare filters of the review queue, as its partial indexes say them: SQLite uses a partial
#: index only for a query that says its condition the same way ("reported_late IS 1" will not do)
REPORTED_LATE = text("reported_late")
OF_A_PLACEMENT = text("placement_id IS NOT NULL")


class Visit(Base):
    """One trip by one cadre to one grassroots unit, as the cadre reported it."""

    __tablename__ = "visits"
    __table_args__ = (
        # the pull cursor walks one cadre's changes in server order
        Index("ix_visits_cadre_change_seq", "cadre_id", "change_seq"),
        Index("ix_visits_unit_start", "unit_id", "start_date"),
        # the review queue: newest first, overall and by status, and a cadre's own list
        Index("ix_visits_received", "received_at", "id"),
        Index("ix_visits_status_received", "status", "received_at", "id"),
        Index("ix_visits_cadre_received", "cadre_id", "received_at", "id"),
        Index("ix_visits_status_cadre", "status", "cadre_id"),
        # a cadre's visits by date; with the report index's columns it also serves the regime's
        # figures of many cadres, cadre by cadre in order (server/regime/days.py, migration
        # 2f6d8a4c1e07)
        Index("ix_visits_cadre_start", "cadre_id", "start_date", "id", "end_date", "status", "unit_id",
              "form", "reported_late"),
        # reports and the regime's figures read a period of visits from this index alone
        # (server/regime/days.py overlapping, counted_visits; migration c4a7e19b2d53)
        Index("ix_visits_report", "start_date", "end_date", "status", "cadre_id", "unit_id", "form",
              "reported_late"),
        # the queue's rare filters: only the visits they ask for, by status and cadre (counts) and
        # in the queue's order (migration 8e3a5f9b1c64; PostgreSQL also has a trigram index for the
        # search, server.db.DIALECT_ONLY)
        Index("ix_visits_late", "status", "cadre_id", "received_at", "id",
              sqlite_where=REPORTED_LATE, postgresql_where=REPORTED_LATE),
        Index("ix_visits_placement_received", "status", "cadre_id", "received_at", "id",
              sqlite_where=OF_A_PLACEMENT, postgresql_where=OF_A_PLACEMENT),
        Index("ix_visits_late_in_order", "received_at", "id",
              sqlite_where=REPORTED_LATE, postgresql_where=REPORTED_LATE),
        Index("ix_visits_placement_in_order", "received_at", "id",
              sqlite_where=OF_A_PLACEMENT, postgresql_where=OF_A_PLACEMENT),
    )

    #: made by the client when the visit is first saved, so retries are idempotent
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    form: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[int] = mapped_column(default=0)
    #: the tasks of its placement this visit carried out, as the placement words them (sorted);
    #: a task is covered when a counted visit of the placement carries it (server/reports)
    placement_tasks: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(20), default=VisitStatus.SUBMITTED)
    #: bumped on every change; a client edit must name the version it started from
    version: Mapped[int] = mapped_column(default=1)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(100))
    #: when the cadre last changed it on their device (their clock, kept for the record)
    client_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the server first received it
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: position in the server's change sequence: the sync pull cursor (never a wall clock)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    #: summary, findings and recommendations in lower case without diacritics, for search
    #: ("kiem tra" finds "kiểm tra"); kept by server/visits/store.py on every write
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: received more than REPORT_DUE_DAYS after the visit ended (set by the store)
    reported_late: Mapped[bool] = mapped_column(default=False, server_default=false())

    cadre: Mapped[User] = relationship(foreign_keys=[cadre_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    unit: Mapped[Unit] = relationship()
    placement: Mapped[Placement | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=visit_topics, order_by=Topic.id)
    #: the hearing directions it carries out (server.hearings.models.Direction; read-only here:
    #: the links are written by server/visits/store.py)
    directions: Mapped[list[Any]] = relationship("Direction", secondary=visit_directions, viewonly=True)

    @property
    def days(self) -> int:
        """Days at the grassroots this visit counts for, both ends included."""
        return (self.end_date - self.start_date).days + 1


class ChangeCounter(Base):
    """A named, strictly increasing counter; see ``server.visits.services.next_change_seq``."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
