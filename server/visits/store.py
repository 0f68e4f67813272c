"""The only writer of the visits table: every change to a visit goes through here.

Push, the web form, review, the demo data and the tests all write with ``write_visits`` (many
visits at once) or ``record_change`` (one stored visit). Each change:

1. takes the change lock (the ``visits`` change counter's row, held until commit), so writers
   apply one after the other and a pull cursor never skips a change that commits late;
2. gets a version one above the stored one (a device must name the version it edited);
3. gets the next number in the change sequence, which is how devices find it on their next pull;
4. leaves one entry in the audit log: who, which action, the version and what changed;
5. rewrites the days the cadre's visits cover where the change moved them (days.py, cadre_days).

Services flush, never commit: the request or CLI command commits once (server/transaction.py).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update

from server.audit.models import AuditEntry
from server.db import upsert_insert, utcnow
from server.extensions import db
from server.time import LOCAL_ZONE
from server.visits import days as cadre_days
from server.visits.models import ChangeCounter, Visit, visit_directions, visit_topics
from server.visits.rules import REPORT_DUE_DAYS
from server.visits.search import search_text
from server.visits.wire import LINK_FIELDS, STORED_CONTENT, TEXT_LIST_FIELDS, texts

VISIT_COUNTER = "visits"
TABLE: Table = Visit.__table__  # type: ignore[assignment]
#: every column of a stored copy; a copy also carries each link field (a sorted tuple of ids)
COLUMNS: tuple[str, ...] = tuple(column.name for column in TABLE.columns)
#: a visit's list fields and the link table (and its other column) each is kept in
LINKS: dict[str, tuple[Table, str]] = {
    "topics": (visit_topics, "topic_id"),
    "directions": (visit_directions, "direction_id"),
}
assert set(LINKS) == set(LINK_FIELDS), "every link field of wire.py needs its table here"
#: what the audit entry of a change lists when it changed
AUDITED = (*STORED_CONTENT, "status", "review_comment", "reviewed_by_id")


class ConcurrentChange(Exception):
    """A visit changed under us although we held the change lock: a writer broke the protocol."""


class StaleVisit(Exception):
    """The visit changed since the version the caller saw; ``current`` is the stored copy."""

    def __init__(self, current: dict[str, Any]):
        super().__init__(f"visit {current['id']} is at version {current['version']}")
        self.current = current


def next_change_seqs(count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers in the visits' change sequence (0: just take the lock).

    The counter is one row updated in the caller's transaction, so the row lock is held until
    commit: transactions commit in the order of their numbers and a pull cursor never skips a
    change that commits late (a database SEQUENCE does not give that guarantee).
    """
    stmt = (
        update(ChangeCounter)
        .where(ChangeCounter.name == VISIT_COUNTER)
        .values(value=ChangeCounter.value + count)
        .returning(ChangeCounter.value)
    )
    last = db.session.execute(stmt).scalar_one_or_none()
    if last is None:
        db.session.execute(
            upsert_insert(ChangeCounter).values(name=VISIT_COUNTER, value=0).on_conflict_do_nothing()
        )
        last = db.session.execute(stmt).scalar_one()
    return range(last - count + 1, last + 1)


def take_change_lock() -> None:
    """From here to commit no one else changes a visit: every writer takes this lock first."""
    next_change_seqs(0)


def snapshots(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The stored copies of these visits, as plain dicts (each link field as a sorted tuple)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(select(TABLE).where(TABLE.c.id.in_(ids))).mappings().all()
    found = {row["id"]: {**row, **{name: () for name in LINKS}} for row in rows}
    if not found:  # a batch of new visits: no links to read
        return found
    for name, (table, other) in LINKS.items():
        linked: dict[uuid.UUID, list[int]] = {}
        for visit_id, target in db.session.execute(
            select(table.c.visit_id, table.c[other]).where(table.c.visit_id.in_(list(found)))
        ):
            linked.setdefault(visit_id, []).append(target)
        for visit_id, targets in linked.items():
            found[visit_id][name] = tuple(sorted(targets))
    return found


def snapshot(visit: Visit) -> dict[str, Any]:
    """A loaded Visit as a stored copy."""
    row = {name: getattr(visit, name) for name in COLUMNS}
    for name in LINKS:
        row[name] = tuple(sorted(item.id for item in getattr(visit, name)))
    return row


def next_version(current: Mapping[str, Any] | None) -> int:
    """Every change bumps the version: 1 for a new visit, one above the stored copy otherwise."""
    return 1 if current is None else current["version"] + 1


@dataclass
class Change:
    """One visit's change: the stored copy before (None: new) and the whole copy after."""

    before: dict[str, Any] | None
    after: dict[str, Any]
    action: str


def write_visits(changes: Sequence[Change], actor_id: int | None) -> None:
    """Store each change's ``after`` copy with its change number, and audit it.

    The caller holds the change lock (``take_change_lock``) since it read the ``before`` copies.
    One INSERT, one UPDATE and one audit INSERT statement per batch, whatever its size.
    """
    if not changes:
        return
    now = utcnow()
    for change in changes:
        for name in LINKS:  # writers that know no link field leave it empty
            change.after.setdefault(name, ())
            if change.before is not None:
                change.before.setdefault(name, ())
        for name in TEXT_LIST_FIELDS:  # likewise; stored sorted, each once, never null
            change.after[name] = texts(change.after.get(name))
    for change, seq in zip(changes, next_change_seqs(len(changes)), strict=True):
        # (a batch may carry two changes of one visit: then it is more than one above)
        if change.after["version"] < next_version(change.before):
            raise ValueError(f"visit {change.after['id']}: the version must go up")
        change.after.update(change_seq=seq, updated_at=now)
        change.after.setdefault("received_at", now)
        change.after.update(_derived(change.after))
    new_rows = [{name: c.after[name] for name in COLUMNS if name in c.after}
                for c in changes if c.before is None]
    old_rows = [{**{name: c.after[name] for name in COLUMNS if name != "id"}, "b_id": c.after["id"]}
                for c in changes if c.before is not None]
    if new_rows:
        # The primary key is the unique key; ON CONFLICT makes a racing duplicate a no-op, never
        # a second row or an error. Under the change lock the race cannot happen; check anyway:
        # every new row must be there with this batch's change number. (No RETURNING: without it
        # the rows go as one prepared INSERT the driver repeats, on PostgreSQL in a pipeline;
        # with it SQLAlchemy writes one long INSERT … VALUES per page of rows, which psycopg
        # re-parsed in Python: a fifth of a push of long notes, docs/benchmarks.md "Sync push".)
        _execute_many(upsert_insert(TABLE).on_conflict_do_nothing(index_elements=["id"]), new_rows)
        ours = db.session.scalar(select(func.count()).select_from(TABLE).where(
            TABLE.c.id.in_([row["id"] for row in new_rows]),
            TABLE.c.change_seq.in_([row["change_seq"] for row in new_rows])))
        if ours != len(new_rows):
            raise ConcurrentChange()
    if old_rows:
        _execute_many(update(TABLE).where(TABLE.c.id == bindparam("b_id")), old_rows)
    new_ids = {row["id"] for row in new_rows}
    for name, (table, other) in LINKS.items():
        _relink(changes, new_ids, name, table, other)
    cadre_days.keep([(c.before, c.after) for c in changes])
    _execute_many(insert(AuditEntry), [_audit_row(change, actor_id, now) for change in changes])
    # ORM copies loaded before this write are out of date now.
    for visit in [obj for obj in db.session.identity_map.values() if isinstance(obj, Visit)]:
        db.session.expire(visit)


def _execute_many(statement: Any, rows: list[dict[str, Any]]) -> None:
    """Run ``statement`` once for each row (executemany), on PostgreSQL as a prepared statement.

    server/db.py turns psycopg's server-side prepared statements off for every connection, because
    a generic plan ruined the year report (docs/benchmarks.md). Without them PostgreSQL parses and
    plans the statement again for every row of a batch. The store's bulk statements (INSERT, UPDATE
    by primary key) have one plan whatever the values, so here psycopg may prepare them: executemany
    asks for it and nothing else does (the threshold is out of reach for other statements), and the
    connection is back to no preparing at once, whatever happens. Prepared, a push of 200 new
    visits spends a fifth less time in its INSERTs (docs/benchmarks.md "Sync push").
    """
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        session.execute(statement, rows)
        return
    connection = session.connection().connection.driver_connection
    kept = getattr(connection, "prepare_threshold", 0)
    if kept is not None:  # not psycopg, or preparing is on anyway
        session.execute(statement, rows)
        return
    session.flush()  # pending ORM changes are written as every other statement is, unprepared
    connection.prepare_threshold = sys.maxsize
    try:
        session.execute(statement, rows)
    finally:
        connection.prepare_threshold = kept


def _derived(row: Mapping[str, Any]) -> dict[str, Any]:
    """The columns computed from the others, so that queries can filter on them with an index."""
    received_on = row["received_at"].astimezone(LOCAL_ZONE).date()
    return {"search_text": search_text(row),
            "reported_late": received_on > row["end_date"] + timedelta(days=REPORT_DUE_DAYS)}


def _relink(changes: Sequence[Change], new_ids: set, name: str, table: Table, other: str) -> None:
    """Rewrite the ``name`` links of the visits whose ``name`` changed (one DELETE, one INSERT)."""
    relinked = {c.after["id"]: c.after[name] for c in changes
                if c.before is None or c.before[name] != c.after[name]}
    stale = [key for key in relinked if key not in new_ids]
    if stale:
        db.session.execute(delete(table).where(table.c.visit_id.in_(stale)))
    links = [{"visit_id": key, other: target} for key, targets in relinked.items() for target in targets]
    if links:
        _execute_many(table.insert(), links)


def _audit_row(change: Change, actor_id: int | None, at: datetime) -> dict[str, Any]:
    before = change.before or {}
    changed = {name: [_json(before.get(name)), _json(change.after[name])]
               for name in AUDITED if before.get(name) != change.after[name]}
    return {"actor_id": actor_id, "action": change.action, "entity_type": "visit",
            "entity_id": str(change.after["id"]), "at": at,
            "details": {"version": change.after["version"], "changes": changed}}


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetimes too (a subclass); a union type is made afresh each call
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def locked_copy(visit_id: uuid.UUID) -> dict[str, Any] | None:
    """Take the change lock, then read the visit's stored copy: what a change must start from."""
    take_change_lock()
    return snapshots([visit_id]).get(visit_id)


def record_change(current: dict[str, Any], actor_id: int | None, action: str,
                  expected_version: int | None = None, **values: Any) -> dict[str, Any]:
    """Change one visit: ``current`` comes from ``locked_copy``; ``values`` are the new columns.

    ``expected_version`` is the version the person saw: if the visit moved on since, nothing is
    written and ``StaleVisit`` tells the caller (two supervisors reviewing at once: one wins).
    Returns the new stored copy.
    """
    if expected_version is not None and current["version"] != expected_version:
        raise StaleVisit(current)
    unknown = set(values) - {*COLUMNS, *LINKS}
    if unknown:
        raise ValueError(f"not visit columns: {sorted(unknown)}")
    after = {**current, **values, "version": next_version(current)}
    write_visits([Change(current, after, action)], actor_id)
    return after
