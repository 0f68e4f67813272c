"""Applying the hearing's offline writes pushed by a device: monthly accounts and "direction done".

Each item is validated and decided on its own, like a visit (server/visits/push.py): created,
updated, unchanged, conflict or invalid, with the same ``PushResult``. Idempotent by the client's
UUID: a retry of what the server holds answers ``unchanged``. An id of another cadre answers
``invalid`` as an unknown id would. The directions' change lock is taken before anything is read,
so concurrent pushes of the same items apply one after the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from server.audit.services import record
from server.auth.models import User
from server.db import utcnow
from server.extensions import db
from server.hearings import directions as direction_store
from server.hearings.models import Direction, DirectionState, MonthlyAccount
from server.hearings.wire import (
    ACCOUNT_FIELDS,
    AccountIn,
    DirectionDoneIn,
    account_wire,
    direction_wire,
)
from server.visits.push import CONFLICT, CREATED, INVALID, UNCHANGED, UPDATED, PushResult, load_items


def push_accounts(user: User, device_id: str, items: Sequence[Any]) -> list[PushResult]:
    """Validate and apply monthly accounts; one result per item, in order. Flushes only."""
    results: list[PushResult | None] = [None] * len(items)
    loaded = load_items(AccountIn(), items, results)
    if loaded:
        direction_store.next_change_seq()  # the lock, before reading the stored copies
    for index, data in loaded:
        results[index] = _apply_account(user, device_id, data)
    return results  # type: ignore[return-value]


def _apply_account(user: User, device_id: str, data: dict) -> PushResult:
    key = str(data["id"])
    current = db.session.get(MonthlyAccount, data["id"], populate_existing=True)
    if current is not None and current.cadre_id != user.id:
        return PushResult(key, INVALID, errors={"id": [_("No account of yours has this id.")]})
    if current is None:
        same_month = db.session.scalar(select(MonthlyAccount).where(
            MonthlyAccount.cadre_id == user.id, MonthlyAccount.month == data["month"]))
        if same_month is not None:
            # written on another device first: the client adopts that one (its id and version)
            return PushResult(key, CONFLICT, same_month.version, server=account_wire(same_month))
        if data["base_version"] is not None:
            return PushResult(key, INVALID, errors={"id": [_("No account of yours has this id.")]})
        account = MonthlyAccount(id=data["id"], cadre_id=user.id, version=1, device_id=device_id,
                                 client_updated_at=_utc(data["client_updated_at"]),
                                 **{name: data[name] for name in ACCOUNT_FIELDS})
        db.session.add(account)
        db.session.flush()
        record("account_created", "monthly_account", key, user.id, month=data["month"].isoformat())
        return PushResult(key, CREATED, 1)
    if current.month != data["month"]:
        return PushResult(key, INVALID, errors={"month": [_("The month of an account cannot change.")]})
    if all(getattr(current, name) == data[name] for name in ACCOUNT_FIELDS):
        return PushResult(key, UNCHANGED, current.version)
    if data["base_version"] != current.version:
        return PushResult(key, CONFLICT, current.version, server=account_wire(current))
    changed = [name for name in ACCOUNT_FIELDS if getattr(current, name) != data[name]]
    for name in ACCOUNT_FIELDS:
        setattr(current, name, data[name])
    current.version += 1
    current.device_id = device_id
    current.client_updated_at = _utc(data["client_updated_at"])
    current.updated_at = utcnow()
    db.session.flush()
    record("account_updated", "monthly_account", key, user.id, version=current.version, changed=changed)
    return PushResult(key, UPDATED, current.version)


def _utc(value):
    return value.astimezone(UTC) if value else None


def push_directions_done(user: User, items: Sequence[Any]) -> list[PushResult]:
    """Validate and apply "direction done" items; one result per item, in order. Flushes only."""
    results: list[PushResult | None] = [None] * len(items)
    loaded = load_items(DirectionDoneIn(), items, results)
    for index, data in loaded:
        results[index] = mark_done(user, data)
    return results  # type: ignore[return-value]


def mark_done(user: User, data: dict) -> PushResult:
    """One "done": ``data`` as DirectionDoneIn loads it (also used by the no-JavaScript page)."""
    key = str(data["id"])
    direction = direction_store.locked(data["direction_id"])
    if direction is None or direction.cadre_id != user.id:
        return PushResult(key, INVALID, errors={"direction_id": [_("No direction of yours has this id.")]})
    note = data["note"].strip()
    if direction.state == DirectionState.DONE and (direction.done_client_id == data["id"]
                                                   or (direction.done_note or "") == note):
        return PushResult(key, UNCHANGED, direction.version)
    if data["base_version"] != direction.version:
        return PushResult(key, CONFLICT, direction.version, server=direction_wire(direction, user.locale))
    direction_store.change(direction, user.id, "direction_done", state=DirectionState.DONE.value,
                           done_note=note, done_at=_utc(data["done_at"]) or utcnow(),
                           done_client_id=data["id"])
    return PushResult(key, UPDATED, direction.version)


def open_direction_ids(user: User) -> list[int]:
    return list(db.session.scalars(select(Direction.id).where(
        Direction.cadre_id == user.id, Direction.state == DirectionState.OPEN)))
