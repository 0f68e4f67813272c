"""schemathesis over the whole API, longer than the suite's run, on SQLite or PostgreSQL.

    .venv/bin/python bench/fuzz_api.py                       # SQLite (a temporary file), ~5,000 requests
    .venv/bin/python bench/fuzz_api.py --database postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python bench/fuzz_api.py --examples 800 --scenarios 300 --seed 7

The same run as tests/api/test_fuzz.py (tests/api/fuzzing.py: every documented operation, valid and
invalid requests generated from /api/v1/openapi.json, half of the valid ones aimed at existing
objects, then schemathesis' state machine; all of schemathesis' response checks), with more
examples per operation and any seed,
on a fresh migrated database holding the test world. Prints the requests sent, the statuses, per
operation the count and time, and every distinct failure with a command that replays it; exits 1
if there was a 5xx or a failure. For PostgreSQL give a server URL: a scratch database is created
there and dropped afterwards. Runs in process (Flask's WSGI test transport), so it measures the
app, not a web server.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.api.fuzzing import ApiFuzzer, seed  # noqa: E402
from tests.factories import build_world  # noqa: E402


def run(url: str, examples: int, scenarios: int, seed_value: int) -> int:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        world = build_world()
        db.session.commit()
    fuzzer = ApiFuzzer(app, seed(app, world))
    started = time.perf_counter()
    tally = fuzzer.run(examples, seed=seed_value)
    fuzzer.run_stateful(scenarios, derandomize=False, tally=tally)
    elapsed = time.perf_counter() - started
    print(f"{make_url(url).get_backend_name()}: seed {seed_value}, {examples} examples per operation "
          f"and mode, {scenarios} state machine runs, {elapsed:.0f} s")
    print(tally.summary())
    with app.app_context():
        db.engine.dispose()
    return 1 if tally.server_errors or tally.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--examples", type=int, default=400,
                        help="requests per operation and mode (POST /tokens: a quarter)")
    parser.add_argument("--scenarios", type=int, default=150, help="state machine runs (≤ 6 steps each)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    args = parser.parse_args()
    seed_value = args.seed if args.seed is not None else random.randrange(2**31)
    if not args.database:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='dicoso-fuzz-')}/fuzz.sqlite3"
        sys.exit(run(url, args.examples, args.scenarios, seed_value))
    server = make_url(args.database)
    scratch = f"dicoso_fuzz_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:
        status = run(server.set(database=scratch).render_as_string(hide_password=False),
                     args.examples, args.scenarios, seed_value)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
    sys.exit(status)


if __name__ == "__main__":
    main()
