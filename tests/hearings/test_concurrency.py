"""The same accounts and "done"s pushed at once by many requests: one change each, the others
answered "unchanged" (the directions' change lock is taken before anything is read)."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import db
from server.hearings.models import MonthlyAccount
from tests.api.live import post_json, threaded_server
from tests.api.support import issue_token
from tests.factories import open_directions

THREADS = 12


def test_twelve_threads_push_the_same_account_and_done(app, client, world):
    with app.app_context():
        [direction] = open_directions(world)
        db.session.commit()
    token = issue_token(client)
    month = date.today().strftime("%Y-%m")
    body = {"device_id": "d", "visits": [],
            "accounts": [{"id": str(uuid.uuid4()), "base_version": None, "month": month,
                          "went_well": "Tốt", "difficulties": "", "proposals": ""}],
            "directions_done": [{"id": str(uuid.uuid4()), "direction_id": direction, "base_version": 1,
                                 "note": "Xong"}]}
    with threaded_server(app) as url, ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(lambda _: post_json(url + "/api/v1/sync/push", body, token), range(THREADS)))
    assert [status for status, _ in answers] == [200] * THREADS
    accounts = Counter(answer["accounts"][0]["status"] for _, answer in answers)
    done = Counter(answer["directions_done"][0]["status"] for _, answer in answers)
    assert accounts == {"created": 1, "unchanged": THREADS - 1}
    assert done == {"updated": 1, "unchanged": THREADS - 1}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MonthlyAccount)) == 1
        actions = Counter(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(["account_created", "direction_done"]))))
        assert actions == {"account_created": 1, "direction_done": 1}
