"""Fill a database with a province's worth of history: 1,000,000 visits, 5,000 cadres, 3,000 units.

    .venv/bin/python bench/seed_bulk.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    .venv/bin/python bench/seed_bulk.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk

The database is created (PostgreSQL) or replaced (SQLite file), migrated, then filled with SQLAlchemy
Core bulk inserts (PostgreSQL: COPY for the visits). This is the one writer to the visits table
outside server/visits/, for benchmarks only: it hands out change_seq numbers in increasing order and
leaves the change_counters row at the last one, as the sync path expects.

The shape: a province, 30 former districts of 60 communes each that were merged in pairs on
1 July 2025 into 900 new communes directly under the province, 300 wards never reorganised (3,000
grassroots units in all), the provincial agency; 5,000 cadres (100 probationary, 100 part-time),
one plan a year with 50 exemptions, one cadre in charge of each unit, and visits of 1–3 days
(mostly) spread over 2021–2025, 70 % approved, 20 % submitted, 10 % returned, some reported late.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.extensions import db  # noqa: E402
from server.planning.models import Assignment, Placement, Plan, PlanExemption  # noqa: E402
from server.units.models import Unit  # noqa: E402
from server.visits.days import rebuild as rebuild_days  # noqa: E402
from server.visits.search import plain  # noqa: E402

FIRST_YEAR, YEARS = 2021, 5
MERGER = date(2025, 7, 1)
FORMS = ("survey", "activity", "inspection", "meeting")
PHRASES = (
    "Khảo sát tình hình tổ chức cơ sở đoàn và đoàn viên thanh niên",
    "Dự sinh hoạt chi đoàn thôn, trao đổi về phát triển kinh tế",
    "Kiểm tra công tác chuẩn bị đại hội chi đoàn",
    "Phối hợp tổ chức trồng cây trên tuyến đường thanh niên tự quản",
)
PLACEMENT_TASKS = ("Dự sinh hoạt chi đoàn", "Khảo sát đoàn viên")
#: visits.search_text of each phrase (the visit store keeps it; here it is written directly)
SEARCH_TEXT = {phrase: plain(phrase) for phrase in PHRASES}
VISIT_COLUMNS = (
    "id",
    "cadre_id",
    "unit_id",
    "placement_id",
    "start_date",
    "end_date",
    "form",
    "summary",
    "findings",
    "recommendations",
    "participants",
    "status",
    "version",
    "received_at",
    "updated_at",
    "change_seq",
    "search_text",
    "reported_late",
    "placement_tasks",
)
NO_TASKS = "[]"


def reset_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def build_units(conn) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """Insert the unit tree with ids chosen here (a fresh database), so paths need no second pass."""
    rows: list[dict] = []

    def add(
        uid: int,
        parent: int | None,
        path: str,
        kind: str,
        name: str,
        code: str,
        valid_from: date | None = None,
        valid_to: date | None = None,
        successor: int | None = None,
    ):
        rows.append(
            {
                "id": uid,
                "parent_id": parent,
                "path": path,
                "kind": kind,
                "name": name,
                "code": code,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "successor_id": successor,
            }
        )

    add(1, None, "/1/", "province", "Tỉnh đoàn Mẫu", "P")
    add(2, 1, "/1/2/", "agency", "Văn phòng Tỉnh đoàn", "P-VP")
    districts = list(range(3, 33))
    next_id = 33
    new_communes = list(range(next_id, next_id + 900))
    for n, uid in enumerate(new_communes):
        add(uid, 1, f"/1/{uid}/", "commune", f"Xã Mới {n + 1:03d}", f"N{n + 1:03d}", valid_from=MERGER)
    next_id += 900
    wards = list(range(next_id, next_id + 300))
    for n, uid in enumerate(wards):
        add(uid, 1, f"/1/{uid}/", "ward", f"Phường {n + 1:03d}", f"W{n + 1:03d}")
    next_id += 300
    old_communes = []
    for d, did in enumerate(districts):
        add(
            did,
            1,
            f"/1/{did}/",
            "district",
            f"Huyện đoàn {d + 1:02d}",
            f"D{d + 1:02d}",
            valid_to=MERGER - timedelta(days=1),
        )
        for c in range(60):
            uid = next_id
            next_id += 1
            successor = new_communes[len(old_communes) // 2]
            add(
                uid,
                did,
                f"/1/{did}/{uid}/",
                "commune",
                f"Xã Cũ {d + 1:02d}-{c + 1:02d}",
                f"O{d + 1:02d}{c + 1:02d}",
                valid_to=MERGER - timedelta(days=1),
                successor=successor,
            )
            old_communes.append(uid)
    # successors first: the foreign key to successor_id must find its row
    conn.execute(insert(Unit), rows)
    return [2], districts, new_communes, wards, old_communes


def build_people(conn, homes: list[int], rng: random.Random, cadres: int) -> tuple[list[int], list[int]]:
    from werkzeug.security import generate_password_hash

    password = generate_password_hash("bench-password-123", method="scrypt")
    now = datetime.now(UTC)
    rows = [
        {
            "id": 1,
            "username": "bench-admin",
            "full_name": "Quản Trị Mẫu",
            "password_hash": password,
            "role": "admin",
            "is_full_time": True,
            "is_probationary": False,
            "unit_id": 1,
            "locale": "vi",
            "active": True,
            "created_at": now,
        },
        {
            "id": 2,
            "username": "bench-sup",
            "full_name": "Giám Sát Mẫu",
            "password_hash": password,
            "role": "supervisor",
            "is_full_time": True,
            "is_probationary": False,
            "unit_id": 1,
            "locale": "vi",
            "active": True,
            "created_at": now,
        },
    ]
    for n in range(cadres):
        rows.append(
            {
                "id": 3 + n,
                "username": f"cb{n:05d}",
                "full_name": f"Cán Bộ Mẫu {n:05d}",
                "password_hash": password,
                "role": "cadre",
                "is_full_time": n % 50 != 1,
                "is_probationary": n % 50 == 0,
                "unit_id": rng.choice(homes),
                "locale": "vi",
                "active": True,
                "created_at": now,
            }
        )
    conn.execute(insert(User), rows)
    cadre_ids = [r["id"] for r in rows[2:]]
    return cadre_ids, [r["id"] for r in rows[2:] if r["is_probationary"]]


def build_planning(conn, cadre_ids, trainees, units, rng: random.Random) -> list[tuple[int, int, date]]:
    conn.execute(
        insert(Plan),
        [
            {"id": y - FIRST_YEAR + 1, "year": y, "title": f"Kế hoạch đi cơ sở năm {y}", "minimum_days": 20}
            for y in range(FIRST_YEAR, FIRST_YEAR + YEARS)
        ],
    )
    conn.execute(
        insert(PlanExemption),
        [
            {"plan_id": p, "cadre_id": c, "reason": "Đi học", "minimum_days": rng.choice((None, 10))}
            for p in range(1, YEARS + 1)
            for c in rng.sample(cadre_ids, 50)
        ],
    )
    conn.execute(
        insert(Assignment),
        [
            {"cadre_id": rng.choice(cadre_ids), "unit_id": u, "start_date": date(FIRST_YEAR, 1, 1)}
            for u in units
        ],
    )
    placements = []
    for n, cadre in enumerate(trainees):
        start = date(2025, 8, 4) + timedelta(days=7 * (n % 12))
        placements.append(
            {
                "id": n + 1,
                "cadre_id": cadre,
                "unit_id": rng.randrange(33, 933),
                "start_date": start,
                "end_date": start + timedelta(days=6),
                "tasks": list(PLACEMENT_TASKS),
                "mentor_name": "Bí Thư Mẫu",
            }
        )
    conn.execute(insert(Placement), placements)
    return [(p["id"], p["cadre_id"], p["start_date"]) for p in placements]


def visit_rows(count: int, cadre_ids, before, after, placements, rng: random.Random, first_seq: int):
    """Visits as tuples in VISIT_COLUMNS order: placement days first, then the rest at random."""
    first, span = date(FIRST_YEAR, 1, 1), (date(FIRST_YEAR + YEARS, 1, 1) - date(FIRST_YEAR, 1, 1)).days
    seq = first_seq
    made = 0
    for placement_id, cadre, start in placements:
        for day in range(5):  # each day carries out one of the placement's two tasks
            d = start + timedelta(days=day)
            received = datetime(d.year, d.month, d.day, 12, tzinfo=UTC)
            yield (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                cadre,
                rng.choice(after),
                placement_id,
                d,
                d,
                "activity",
                PHRASES[1],
                "",
                "",
                10,
                "submitted",
                1,
                received,
                received,
                seq,
                SEARCH_TEXT[PHRASES[1]],
                False,
                json.dumps([PLACEMENT_TASKS[day % 2]]),
            )
            seq += 1
            made += 1
    lengths = (1, 1, 1, 2, 2, 3)
    statuses = ("approved",) * 7 + ("submitted",) * 2 + ("returned",)
    choice, randrange, getrandbits = rng.choice, rng.randrange, rng.getrandbits
    for _ in range(count - made):
        phrase = choice(PHRASES)
        start = first + timedelta(days=randrange(span))
        end = start + timedelta(days=choice(lengths) - 1)
        late = randrange(20) == 0
        arrival = end + timedelta(days=randrange(11, 40) if late else randrange(0, 4))
        received = datetime(arrival.year, arrival.month, arrival.day, randrange(24), tzinfo=UTC)
        yield (
            uuid.UUID(int=getrandbits(128), version=4),
            choice(cadre_ids),
            choice(after) if start >= MERGER else choice(before),
            None,
            start,
            end,
            choice(FORMS),
            phrase,
            "",
            "",
            randrange(5, 60),
            choice(statuses),
            1,
            received,
            received,
            seq,
            SEARCH_TEXT[phrase],
            late,  # (received 11+ days after the end, whatever the hour in Vietnam)
            NO_TASKS,
        )
        seq += 1


def insert_visits(engine, rows, backend: str, batch: int = 20_000) -> None:
    if backend == "postgresql":
        raw = engine.raw_connection()
        try:
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY visits ({', '.join(VISIT_COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
        return
    # SQLite: the driver's executemany with values in SQLAlchemy's storage formats (hex UUIDs, ISO
    # dates, "YYYY-MM-DD HH:MM:SS.ffffff" UTC timestamps), one transaction for the lot
    sql = f"INSERT INTO visits ({', '.join(VISIT_COLUMNS)}) VALUES ({', '.join('?' * len(VISIT_COLUMNS))})"

    def stored(row):
        (
            vid,
            cadre,
            unit,
            placement,
            start,
            end,
            form,
            summary,
            f,
            r,
            people,
            status,
            version,
            rec,
            _upd,
            seq,
            search,
            late,
            tasks,
        ) = row
        stamp = rec.strftime("%Y-%m-%d %H:%M:%S.%f")
        return (
            vid.hex,
            cadre,
            unit,
            placement,
            start.isoformat(),
            end.isoformat(),
            form,
            summary,
            f,
            r,
            people,
            status,
            version,
            stamp,
            stamp,
            seq,
            search,
            int(late),
            tasks,
        )

    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("BEGIN")
        chunk = []
        for row in rows:
            chunk.append(stored(row))
            if len(chunk) == batch:
                cur.executemany(sql, chunk)
                chunk.clear()
        if chunk:
            cur.executemany(sql, chunk)
        cur.execute("COMMIT")
    finally:
        raw.close()


def reset_sequences(conn) -> None:
    """Rows were inserted with their ids: move each id sequence past them, so that the app's own
    inserts (a user created later) do not collide."""
    for table in ("units", "users", "assignments", "placements", "plans", "plan_exemptions", "topics"):
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="sqlite:////tmp/dicoso-bulk.sqlite3")
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--cadres", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    began = time.perf_counter()
    reset_database(args.database)
    from flask_migrate import upgrade

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        upgrade()
        engine = db.engine
        with engine.begin() as conn:
            agency, districts, new, wards, old = build_units(conn)
            cadre_ids, trainees = build_people(conn, agency + districts, rng, args.cadres)
            placements = build_planning(conn, cadre_ids, trainees, new + wards, rng)
        staff = [c for c in cadre_ids if c not in set(trainees)]
        rows = visit_rows(args.visits, staff, old + wards, new + wards, placements, rng, 1)
        insert_visits(engine, rows, engine.dialect.name)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE change_counters SET value = :v WHERE name = 'visits'"), {"v": args.visits}
            )
            if engine.dialect.name == "postgresql":
                reset_sequences(conn)
        # the visits went in around server/visits/store.py: write the days they cover as it would
        days_written = rebuild_days()
        db.session.commit()
        # statistics for the planner; on PostgreSQL also the visibility map index-only scans need
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
        engine.dispose()
    print(
        f"{args.visits:,} visits ({days_written:,} cadre days), {args.cadres:,} cadres, "
        f"3,000 grassroots units in "
        f"{time.perf_counter() - began:.0f} s → {args.database}"
    )


if __name__ == "__main__":
    main()
