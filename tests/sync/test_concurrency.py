"""Idempotent under concurrency: the same visits pushed at once by many requests, one row each.

Why it holds: every writer of visits first takes the change-counter row lock (PostgreSQL) or the
database write lock (SQLite, BEGIN IMMEDIATE), so pushes that touch visits apply one after the
other; the primary key with INSERT … ON CONFLICT DO NOTHING is the backstop.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from server.extensions import db
from server.visits.models import Visit
from tests.api.live import gunicorn_server, post_json, threaded_server
from tests.api.support import wire_visit

THREADS = 20


def _push_everywhere(url: str, token: str, batches: list[list[dict]]) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(
            lambda visits: post_json(url + "/api/v1/sync/push", {"device_id": "d", "visits": visits}, token),
            batches))


def _check(app, answers: list[tuple[int, dict]], visits: list[dict], version: int, changed: str) -> None:
    assert [status for status, _body in answers] == [200] * len(answers), answers[:3]
    statuses = Counter()
    for _status, body in answers:
        for result in body["results"]:
            statuses[result["id"], result["status"]] += 1
            assert result["version"] == version
    for visit in visits:  # exactly one request changed each visit; every other one saw it done
        assert statuses[visit["id"], changed] == 1
        assert statuses[visit["id"], "unchanged"] == THREADS - 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == len(visits)
        assert set(db.session.scalars(select(Visit.version))) == {version}
        seqs = list(db.session.scalars(select(Visit.change_seq)))
        assert len(set(seqs)) == len(seqs)  # one change_seq per change, never shared


def test_twenty_threads_push_the_same_hundred_visits(app, world, token):
    visits = [wire_visit(world.commune_a1, world.topic) for _ in range(100)]
    with threaded_server(app) as url:
        # each thread sends the same visits in its own order, as retries after timeouts would
        batches = [visits[i * 5:] + visits[:i * 5] for i in range(THREADS)]
        _check(app, _push_everywhere(url, token, batches), visits, 1, "created")
        edits = [{**visit, "base_version": 1, "summary": "sửa"} for visit in visits]
        _check(app, _push_everywhere(url, token, [edits[::-1] if i % 2 else edits for i in range(THREADS)]),
               visits, 2, "updated")


def test_several_gunicorn_workers_push_the_same_visits(app, database_url, world, token):
    visits = [wire_visit(world.commune_a2) for _ in range(100)]
    with gunicorn_server(database_url, workers=3, threads=4) as url:
        answers = _push_everywhere(url, token, [visits[i:] + visits[:i] for i in range(THREADS)])
    _check(app, answers, visits, 1, "created")
