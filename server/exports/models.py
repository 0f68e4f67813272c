"""An export job (who asked for which report, in which format, how far it got) and its file, kept
in the database in chunks so that every app server and worker reaches it (docs/reports.md)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, UTCDateTime, utcnow


class ExportState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def new_job_id() -> str:
    """128 random bits: a job's address cannot be guessed from another's (ids are not sequential)."""
    return secrets.token_urlsafe(16)


class ExportJob(Base):
    __tablename__ = "export_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    #: who asked: the only person who sees the job and downloads its file
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: year | coverage | placements | visits (server/exports/kinds.py)
    kind: Mapped[str] = mapped_column(String(20))
    #: the report's parameters as checked when asked (unit id, period, counting …)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    format: Mapped[str] = mapped_column(String(8))
    #: the asker's language then: the file's headers and labels are written in it
    locale: Mapped[str] = mapped_column(String(5))
    #: queued → running → done | failed (ExportState)
    state: Mapped[str] = mapped_column(String(10), default=ExportState.QUEUED)
    rows_written: Mapped[int] = mapped_column(default=0)
    #: known once the job has built (or counted) its table
    rows_expected: Mapped[int | None]
    #: the download's name, e.g. visits-2024-01-01-2024-06-30.xlsx
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    #: what went wrong, for the log and the administrator (the page says it in plain words)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: touched by every progress step: a running job that stops being touched was interrupted
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int | None:
        if not self.rows_expected:
            return None
        return min(100, self.rows_written * 100 // self.rows_expected)


class ExportChunk(Base):
    """One piece (at most ``CHUNK_BYTES``) of a finished job's file, in order."""

    __tablename__ = "export_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
