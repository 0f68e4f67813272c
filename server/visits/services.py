"""Visit rules shared by the sync API, the web form, review and the demo data."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db
from server.visits.models import ChangeCounter

VISIT_COUNTER = "visits"


def next_change_seqs(count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers in the visits' change sequence.

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
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(ChangeCounter).values(name=VISIT_COUNTER, value=0).on_conflict_do_nothing()
        )
        last = db.session.execute(stmt).scalar_one()
    return range(last - count + 1, last + 1)
