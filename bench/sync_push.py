"""Benchmark POST /api/v1/sync/push against raw SQLAlchemy Core inserts of the same rows.

    .venv/bin/python bench/sync_push.py                      # SQLite (a temporary file)
    .venv/bin/python bench/sync_push.py --database postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python bench/sync_push.py --text varied --batch 5 --visits 2000   # free text, small batches

Pushes N visits in batches through the real HTTP endpoint (gunicorn on a loopback port, gzip
request bodies) and, in the same run, inserts the same kind of rows with Core ``executemany``
(one transaction per batch) into the same database. Prints visits/s for both, their ratio and the
bytes on the wire per visit; repeats and reports medians (the machine is shared and noisy).
``--text varied`` writes free text that never repeats (bench/vi_text.py) instead of a few fixed
phrases, which gzip compresses far better than real notes. For PostgreSQL, pass a server URL: a
scratch database is created there and dropped afterwards.

Two raw inserts are timed in the same run. The first writes the rows as the store writes them:
with the columns it derives (``search_text``, ``reported_late``, computed before the clock starts),
so the search indexes (SQLite FTS5, PostgreSQL trigram) index the same text for both. That is the
like-for-like comparison and the ratio the target (>= 0.5) is read against. The second is the
bench's first comparison, kept for continuity: it leaves those columns at their defaults, so the
search indexes index nothing for its rows, which alone caps the ratio near 0.35 (SQLite) and 0.46
(PostgreSQL) however little the endpoint did besides (docs/benchmarks.md, "Sync push").

On both sides only the writes are timed: the request bodies are built and gzipped before the
clock starts, as the raw inserts' rows are, and the answers are checked after it stops.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import Role  # noqa: E402
from server.auth.services import create_user  # noqa: E402
from server.extensions import db  # noqa: E402
from server.units.models import UnitKind  # noqa: E402
from server.units.services import create_unit  # noqa: E402
from server.visits.models import Topic, Visit, visit_topics  # noqa: E402
from server.visits.store import _derived  # noqa: E402
from tests.api.live import gunicorn_server  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import vi_text  # noqa: E402

PASSWORD = "bench-password-123"
PHRASES = [
    "Khảo sát tình hình tổ chức cơ sở đoàn và đoàn viên thanh niên",
    "Dự sinh hoạt chi đoàn thôn, trao đổi về phát triển kinh tế",
    "Kiểm tra công tác chuẩn bị đại hội chi đoàn",
    "Phối hợp tổ chức trồng cây trên tuyến đường thanh niên tự quản",
    "Tập huấn kỹ năng cho phụ trách Đội tại trường tiểu học",
]


def prepare(url: str) -> tuple[int, int]:
    """Migrate the database and add a unit, a cadre and a topic; return (unit id, topic id)."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        province = create_unit("Tỉnh đoàn", UnitKind.PROVINCE, code="B")
        commune = create_unit("Đoàn xã", UnitKind.COMMUNE, province, code="B-1")
        create_user("bench", "Cán bộ", PASSWORD, province, Role.CADRE)
        topic = Topic(name_vi="Chủ đề", name_en="Topic")
        db.session.add(topic)
        db.session.commit()
        ids = commune.id, topic.id
        db.engine.dispose()
    return ids


def phrase_texts(rng: random.Random) -> dict[str, str]:
    """A few fixed phrases: what the first figures used (gzip finds them again and again)."""
    return {"summary": f"{rng.choice(PHRASES)} (thôn {rng.randint(1, 60)})", "findings": rng.choice(PHRASES),
            "recommendations": rng.choice(PHRASES)}


def varied_texts(rng: random.Random, seen: set[str]) -> dict[str, str]:
    """Free text that never repeats: varied sentences of a real report's length (bench/vi_text.py)."""
    while True:
        texts = vi_text.report(rng)
        if not seen.intersection(texts.values()):
            seen.update(texts.values())
            return texts


def make_visits(count: int, unit_id: int, topic_id: int, rng: random.Random, text: str = "phrases",
                seen: set[str] | None = None) -> list[dict]:
    today = date.today()
    seen = set() if seen is None else seen
    visits = []
    for _ in range(count):
        start = today - timedelta(days=rng.randint(3, 300))
        texts = varied_texts(rng, seen) if text == "varied" else phrase_texts(rng)
        visits.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "base_version": None,
            "unit_id": unit_id, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=rng.randint(0, 2))).isoformat(),
            "form": rng.choice(["survey", "activity", "inspection", "meeting"]), "topics": [topic_id],
            **texts, "participants": rng.randint(5, 80),
            "placement_id": None, "location": None, "client_updated_at": None,
        })
    return visits


def push_all(base: str, token: str, visits: list[dict], batch: int) -> tuple[float, int, int]:
    """Push every visit; return (seconds, request bytes, response bytes) as sent on the wire."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip", "Accept-Encoding": "gzip"}
    # the phone's work (building and gzipping the body) happens before the clock, like the raw
    # insert's rows; reading the answers after it
    bodies = [gzip.compress(json.dumps({"device_id": "bench", "visits": visits[i:i + batch]},
                                       separators=(",", ":")).encode(), compresslevel=6)
              for i in range(0, len(visits), batch)]
    answers = []
    started = time.perf_counter()
    for body in bodies:
        response = session.post(base + "/api/v1/sync/push", data=body, headers=headers, timeout=120,
                                stream=True)
        answers.append((response.status_code, response.headers.get("Content-Encoding"),
                        response.raw.read(decode_content=False)))
    elapsed = time.perf_counter() - started
    for status, encoding, raw in answers:
        assert status == 200, raw[:300]
        results = json.loads(gzip.decompress(raw) if encoding == "gzip" else raw)["results"]
        refused = [r for r in results if r["status"] != "created"]
        assert not refused, refused[:2]
    return elapsed, sum(len(b) for b in bodies), sum(len(a[2]) for a in answers)


def raw_insert(url: str, visits: list[dict], cadre_id: int, batch: int, as_stored: bool = False) -> float:
    """The same rows through SQLAlchemy Core executemany, one transaction per batch. With
    ``as_stored`` each row also carries the derived columns (search text, late flag), computed
    before the clock starts."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    rows, links = [], []
    for v in visits:
        key = uuid.uuid4()
        rows.append({"id": key, "cadre_id": cadre_id, "unit_id": v["unit_id"],
                     "start_date": date.fromisoformat(v["start_date"]),
                     "end_date": date.fromisoformat(v["end_date"]), "form": v["form"],
                     "summary": v["summary"], "findings": v["findings"],
                     "recommendations": v["recommendations"], "participants": v["participants"],
                     "placement_id": None, "latitude": None, "longitude": None, "accuracy_m": None,
                     "status": "submitted", "version": 1, "device_id": "raw", "client_updated_at": None,
                     "received_at": now, "updated_at": now, "change_seq": 0})
        if as_stored:
            rows[-1].update(_derived(rows[-1]))
        links.append([{"visit_id": key, "topic_id": t} for t in v["topics"]])
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        with engine.begin() as conn:
            conn.execute(insert(Visit.__table__), rows[i:i + batch])
            conn.execute(insert(visit_topics), [link for group in links[i:i + batch] for link in group])
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", help="'sqlite' or a PostgreSQL server URL")
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    # both raw inserts are always timed now; the flag stays so that older commands still run
    parser.add_argument("--raw-as-stored", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--text", choices=["phrases", "varied"], default="phrases",
                        help="phrases: a few fixed sentences (flatters gzip); "
                             "varied: text that never repeats")
    args = parser.parse_args()

    scratch = None
    if args.database == "sqlite":
        tmp = tempfile.mkdtemp(prefix="dicoso-bench-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        server = make_url(args.database)
        scratch = f"dicoso_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        url = server.set(database=scratch).render_as_string(hide_password=False)
    try:
        unit_id, topic_id = prepare(url)
        rng = random.Random(20250701)
        endpoint, raw, wire, plain, stored_raw = [], [], [], [], []
        seen: set[str] = set()
        with gunicorn_server(url, workers=args.workers) as base:
            response = requests.post(base + "/api/v1/tokens", json={
                "username": "bench", "password": PASSWORD, "device_name": "bench"}, timeout=30)
            token = response.json()["token"]
            cadre_id = requests.get(base + "/api/v1/bootstrap", timeout=30,
                                    headers={"Authorization": f"Bearer {token}"}).json()["user"]["id"]
            for run in range(1, args.runs + 1):
                visits = make_visits(args.visits, unit_id, topic_id, rng, args.text, seen)
                seconds, sent, received = push_all(base, token, visits, args.batch)
                endpoint.append(args.visits / seconds)
                stored_raw.append(args.visits / raw_insert(url, visits, cadre_id, args.batch, True))
                raw.append(args.visits / raw_insert(url, visits, cadre_id, args.batch))
                wire.append((sent / args.visits, received / args.visits))
                plain.append(sum(len(json.dumps(v, separators=(",", ":")).encode()) for v in visits)
                             / args.visits)
                print(f"run {run}: endpoint {endpoint[-1]:,.0f} visits/s, "
                      f"raw insert as stored {stored_raw[-1]:,.0f} visits/s, "
                      f"ratio {endpoint[-1] / stored_raw[-1]:.2f}; "
                      f"raw insert without search text {raw[-1]:,.0f} visits/s, "
                      f"ratio {endpoint[-1] / raw[-1]:.2f}; wire {wire[-1][0]:.0f} B up + "
                      f"{wire[-1][1]:.0f} B down per visit", flush=True)
        up = statistics.median(w[0] for w in wire)
        down = statistics.median(w[1] for w in wire)
        print(f"\n{make_url(url).get_backend_name()}: {args.visits} visits in batches of {args.batch}, "
              f"{args.text} texts, {args.runs} runs, {args.workers} gunicorn workers, medians:")
        def ratio(raws: list[float]) -> float:
            return statistics.median(e / r for e, r in zip(endpoint, raws, strict=True))

        print(f"  endpoint   {statistics.median(endpoint):,.0f} visits/s")
        print(f"  raw insert as stored (search text, late flag) {statistics.median(stored_raw):,.0f} "
              f"visits/s, ratio {ratio(stored_raw):.2f} (target ≥ 0.5)")
        print(f"  raw insert without search text {statistics.median(raw):,.0f} visits/s, "
              f"ratio {ratio(raw):.2f} (the bench's first comparison)")
        print(f"  wire       {up:.0f} B/visit request (gzip) + {down:.0f} B/visit response "
              f"= {up + down:.0f} B/visit (target ≤ 250)")
        print(f"  plain JSON {statistics.median(plain):.0f} B/visit before gzip")
    finally:
        if scratch:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("RATELIMIT_ENABLED", "0")
    main()
