"""Writing to the audit log."""

from __future__ import annotations

from typing import Any

from server.audit.models import AuditEntry
from server.extensions import db


def record(action: str, entity_type: str, entity_id: object, actor_id: int | None = None,
           **details: Any) -> AuditEntry:
    """Append one entry to the audit log (flushes with the caller's transaction)."""
    entry = AuditEntry(actor_id=actor_id, action=action, entity_type=entity_type,
                       entity_id=str(entity_id), details=details)
    db.session.add(entry)
    return entry
