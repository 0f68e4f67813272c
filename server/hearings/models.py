"""The monthly hearing (Ban Thường vụ nghe báo cáo): hearings, conclusions, directions, accounts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.db import Base, UTCDateTime, utcnow
from server.units.models import Unit
from server.visits.models import Topic


class DirectionState(StrEnum):
    OPEN = "open"
    DONE = "done"


class Hearing(Base):
    """One meeting of the Standing Committee hearing the cadres of a unit subtree for a month."""

    __tablename__ = "hearings"
    __table_args__ = (UniqueConstraint("unit_id", "month", name="uq_hearings_unit_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the first day of the month heard
    month: Mapped[date] = mapped_column(index=True)
    #: the root of the subtree whose cadres are heard
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    held_on: Mapped[date]
    chair: Mapped[str] = mapped_column(String(200))
    #: number and symbol of the report, e.g. "12-BC/TĐTN" (optional until it is issued)
    document_number: Mapped[str | None] = mapped_column(String(50))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship()


class HearingCadre(Base):
    """The committee's conclusion on one cadre at one hearing."""

    __tablename__ = "hearing_cadres"
    __table_args__ = (UniqueConstraint("hearing_id", "cadre_id", name="uq_hearing_cadres_hearing_cadre"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cadre: Mapped[User] = relationship()


class Direction(Base):
    """A concrete item the committee gives a cadre to carry out, closed by the cadre (offline)."""

    __tablename__ = "directions"
    __table_args__ = (Index("ix_directions_cadre_change_seq", "cadre_id", "change_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    due_date: Mapped[date]
    state: Mapped[str] = mapped_column(String(10), default=DirectionState.OPEN, index=True)
    done_note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the client UUID of the "done" the cadre pushed: a retry of it is answered "unchanged"
    done_client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: bumped on every change; a device marking it done names the version it saw
    version: Mapped[int] = mapped_column(default=1)
    #: position in the directions' change sequence: the pull cursor ``directions_since``
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    hearing: Mapped[Hearing] = relationship()
    cadre: Mapped[User] = relationship()
    unit: Mapped[Unit | None] = relationship()
    topic: Mapped[Topic | None] = relationship()


class MonthlyAccount(Base):
    """The cadre's own short account of a month, written on the phone (offline) and synced."""

    __tablename__ = "monthly_accounts"
    __table_args__ = (UniqueConstraint("cadre_id", "month", name="uq_monthly_accounts_cadre_month"),)

    #: made by the client, so retries are idempotent
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the first day of the month
    month: Mapped[date]
    went_well: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    device_id: Mapped[str | None] = mapped_column(String(100))
    client_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cadre: Mapped[User] = relationship()
