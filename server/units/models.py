"""Administrative units: a tree of any depth that changes over time."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base


class UnitKind(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    WARD = "ward"
    AGENCY = "agency"  # a department of the provincial union, home of provincial cadres


class Unit(Base):
    """A Youth Union unit (province, district, commune, ward …) as it was for a period."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: materialised path of ids, "/1/7/42/": a subtree is one indexed prefix query at any depth
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    #: the official administrative code (mã đơn vị hành chính)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    #: the unit that took over this one after a merger; old visits keep pointing here
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def is_current(self, on: date) -> bool:
        """Say whether the unit exists on the given day."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"
