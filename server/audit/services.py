"""Writing to the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from server.audit.models import AuditEntry
from server.extensions import db


def record(action: str, entity_type: str, entity_id: object, actor_id: int | None = None,
           **details: Any) -> AuditEntry:
    """Append one entry to the audit log (flushes with the caller's transaction)."""
    entry = AuditEntry(actor_id=actor_id, action=action, entity_type=entity_type,
                       entity_id=str(entity_id), details=details)
    db.session.add(entry)
    return entry


def record_many(entries: list[dict[str, Any]], actor_id: int | None = None) -> None:
    """Append many entries (``action``, ``entity_type``, ``entity_id``, ``details``) in one
    executemany: an import's thousands, where one ``record`` each would send one INSERT each."""
    if entries:
        db.session.execute(insert(AuditEntry), [
            {"actor_id": actor_id, **entry, "entity_id": str(entry["entity_id"])} for entry in entries])
