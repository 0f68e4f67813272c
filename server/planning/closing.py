"""A placement's closing report, written by its probationary cadre on the phone (offline) and
pushed in the sync envelope, applied like a monthly account (server/hearings/push.py).

When: from the placement's first day (a cadre may start it during the week) until
``DAYS_AFTER_END`` days after its last day; after that the report is the record and a push that
would change it answers ``locked``. Who: the placement's own cadre only; anyone else's placement,
or another placement's report id, answers ``invalid`` as an unknown id would.

Each item is decided on its own: created, updated, unchanged (a retry, or the same text),
conflict (a stale ``base_version``, or another device wrote the placement's report first under
another id: the client adopts that id and version), locked or invalid. Concurrent pushes for one
placement apply one after the other: its row is locked (FOR UPDATE; on SQLite every transaction
takes the write lock) before the stored report is read. Every change is audited. Flushes only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from server.audit.services import record
from server.auth.models import User
from server.db import utcnow
from server.extensions import db
from server.planning.models import Placement, PlacementReport
from server.planning.wire import PlacementReportIn, report_wire
from server.time import today
from server.visits.push import (
    CONFLICT,
    CREATED,
    INVALID,
    LOCKED,
    UNCHANGED,
    UPDATED,
    PushResult,
    load_items,
)

#: the closing report can be written until this many days after the placement's last day
DAYS_AFTER_END = 30


def report_window(placement: Placement) -> tuple[date, date]:
    """The first and the last day (Vietnam's dates) the closing report may be written or changed."""
    return placement.start_date, placement.end_date + timedelta(days=DAYS_AFTER_END)


def push_placement_reports(user: User, device_id: str, items: Sequence[Any]) -> list[PushResult]:
    """Validate and apply closing reports; one result per item, in order."""
    results: list[PushResult | None] = [None] * len(items)
    loaded = load_items(PlacementReportIn(), items, results)
    if loaded:
        # the lock, before reading the stored reports (in id order: two pushes never deadlock)
        db.session.execute(select(Placement.id).where(
            Placement.id.in_({data["placement_id"] for _, data in loaded}))
            .order_by(Placement.id).with_for_update())
    for index, data in loaded:
        results[index] = write_report(user, device_id, data)
    return results  # type: ignore[return-value]


def write_report(user: User, device_id: str, data: dict) -> PushResult:
    """One closing report, ``data`` as PlacementReportIn loads it (the no-JavaScript page too)."""
    key = str(data["id"])
    placement = db.session.get(Placement, data["placement_id"], populate_existing=True)
    if placement is None or placement.cadre_id != user.id:
        return PushResult(key, INVALID, errors={"placement_id": [_("No placement of yours has this id.")]})
    current = db.session.get(PlacementReport, data["id"], populate_existing=True)
    if current is not None and current.placement_id != placement.id:
        return PushResult(key, INVALID, errors={"id": [_("No closing report of yours has this id.")]})
    first, last = report_window(placement)
    on = today()
    if current is None:
        written = db.session.scalar(select(PlacementReport).where(
            PlacementReport.placement_id == placement.id).execution_options(populate_existing=True))
        if written is not None:
            # written on another device first: the client adopts that one (its id and version)
            return PushResult(key, CONFLICT, written.version, server=report_wire(written))
        if data["base_version"] is not None:
            return PushResult(key, INVALID, errors={"id": [_("No closing report of yours has this id.")]})
        if on < first:
            return PushResult(key, INVALID, errors={"placement_id": [
                _("The placement has not started: write its closing report from its first day.")]})
        if on > last:
            return PushResult(key, LOCKED)
        report = PlacementReport(id=data["id"], placement_id=placement.id, text=data["text"], version=1,
                                 device_id=device_id, client_updated_at=_utc(data["client_updated_at"]))
        db.session.add(report)
        db.session.flush()
        record("closing_report_created", "placement", placement.id, user.id, report_id=key, version=1,
               text=data["text"])
        return PushResult(key, CREATED, 1)
    if current.text == data["text"]:
        return PushResult(key, UNCHANGED, current.version)
    if on > last:
        return PushResult(key, LOCKED, current.version)
    if data["base_version"] != current.version:
        return PushResult(key, CONFLICT, current.version, server=report_wire(current))
    before = current.text
    current.text = data["text"]
    current.version += 1
    current.device_id = device_id
    current.client_updated_at = _utc(data["client_updated_at"])
    current.updated_at = utcnow()
    db.session.flush()
    record("closing_report_updated", "placement", placement.id, user.id, report_id=key,
           version=current.version, changes={"text": [before, current.text]})
    return PushResult(key, UPDATED, current.version)


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None
