"""Who is in charge of which unit, probationary placements, and the yearly plan."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.db import Base, UTCDateTime, utcnow
from server.units.models import Unit


class Assignment(Base):
    """A notice (Thông báo) putting a cadre in charge of a grassroots unit for a period."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    notice_number: Mapped[str | None] = mapped_column(String(50))
    notice_date: Mapped[date | None]

    cadre: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()


class Placement(Base):
    """A probationary cadre's one-week placement at a commune union."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: the placement's task list, as short texts in the order given
    tasks: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: the local cadre who guides the placement (often not a user of dicoso)
    mentor_name: Mapped[str | None] = mapped_column(String(200))

    cadre: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    #: the closing report the probationary cadre writes on the phone (server/planning/closing.py)
    report: Mapped[PlacementReport | None] = relationship(back_populates="placement", uselist=False,
                                                          passive_deletes=True)


class PlacementReport(Base):
    """A placement's closing report: a short text its probationary cadre writes on the phone at
    the end of the placement (offline) and syncs, one per placement, like a monthly account."""

    __tablename__ = "placement_reports"

    #: made by the client, so retries are idempotent
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"),
                                              unique=True)
    text: Mapped[str] = mapped_column(Text)
    #: bumped on every change; a device editing it names the version it started from
    version: Mapped[int] = mapped_column(default=1)
    device_id: Mapped[str | None] = mapped_column(String(100))
    client_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="report")


class Plan(Base):
    """A provincial plan (Kế hoạch) that sets the year's minimum days at the grassroots."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(300))
    document_number: Mapped[str | None] = mapped_column(String(50))
    document_date: Mapped[date | None]
    minimum_days: Mapped[int]
    #: the plan covers the full-time cadres of this unit's subtree (null: every full-time cadre)
    covered_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: visits that ended before this day were entered after the fact, when the province started
    #: using dicoso (back-entered or imported): a late report among them is counted apart, not late
    back_entry_before: Mapped[date | None]

    covered_unit: Mapped[Unit | None] = relationship()
    exemptions: Mapped[list[PlanExemption]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class PlanExemption(Base):
    """A cadre exempted from, or given a lower, minimum for a plan's year (study, leave …)."""

    __tablename__ = "plan_exemptions"
    __table_args__ = (UniqueConstraint("plan_id", "cadre_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    cadre_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    #: null means fully exempt; a number replaces the plan's minimum for this cadre
    minimum_days: Mapped[int | None]
    #: the period the reason covers (study, illness, maternity …), for the record
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    plan: Mapped[Plan] = relationship(back_populates="exemptions")
    cadre: Mapped[User] = relationship()
