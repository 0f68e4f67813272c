"""What a unit prints on its documents (its letterhead): the issuing body and who signs.

Every column is optional: what is not set is derived from the unit (``server.documents.letterhead``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base
from server.units.models import Unit


class UnitLetterhead(Base):
    """A unit's own issuing body and signer, as set by an administrator."""

    __tablename__ = "unit_letterheads"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    #: the committee's own name, first line of the header: "BCH ĐOÀN TỈNH LẠNG SƠN"
    issuing_body: Mapped[str | None] = mapped_column(String(200))
    #: a second line under it where a body of the committee issues: "BAN THƯỜNG VỤ"
    issuing_office: Mapped[str | None] = mapped_column(String(200))
    #: "BÍ THƯ" or "PHÓ BÍ THƯ" (``server.documents.letterhead.SIGNER_TITLES``)
    signer_title: Mapped[str | None] = mapped_column(String(50))
    signer_name: Mapped[str | None] = mapped_column(String(200))

    unit: Mapped[Unit] = relationship()
