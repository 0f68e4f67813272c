"""How much a monthly hearing costs: compiling every cadre's month (``hearing_rows``), the hearing
page and the .docx report, on the demo data and on a larger synthetic province.

    .venv/bin/python bench/hearing.py                      # SQLite, 7 runs, medians
    .venv/bin/python bench/hearing.py --database postgresql+psycopg://postgres@127.0.0.1/postgres

``--cadres N`` adds N synthetic full-time cadres with a year of visits each (about 8 a month,
1–3 days) before measuring. Prints milliseconds and SQL statements per operation.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.models import Role, User  # noqa: E402
from server.auth.services import create_user  # noqa: E402
from server.demo.data import DEMO_PASSWORD  # noqa: E402
from server.demo.loader import load_demo_data  # noqa: E402
from server.extensions import db  # noqa: E402
from server.hearings.docx_report import hearing_docx  # noqa: E402
from server.hearings.models import Hearing  # noqa: E402
from server.hearings.services import hearing_rows, open_hearing  # noqa: E402
from server.units.models import Unit, UnitKind  # noqa: E402
from server.visits import store  # noqa: E402


def _database(url: str | None, tmp: str) -> tuple[str, callable]:
    if not url:
        return f"sqlite:///{tmp}/bench.sqlite3", lambda: None
    name = f"dicoso_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(url).set(database=name).render_as_string(hide_password=False), drop


def _synthetic(cadres: int, year: int) -> None:
    """``cadres`` more full-time cadres in the agency of the demo cadres, a year of visits each."""
    rng = random.Random(7)
    agency = db.session.scalar(select(User).where(User.username == "canbo")).unit
    communes = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.COMMUNE)).all()
    store.take_change_lock()
    for n in range(cadres):
        cadre = create_user(f"bench{n}", f"Cán Bộ Đo Đạc {n}", DEMO_PASSWORD, agency, Role.CADRE)
        changes = []
        day = date(year, 1, 2)
        while day < date(year, 11, 1):
            days = rng.randint(1, 3)
            row = {column: None for column in store.COLUMNS} | {
                "id": uuid.uuid4(), "cadre_id": cadre.id, "unit_id": rng.choice(communes).id,
                "start_date": day, "end_date": day + timedelta(days=days - 1), "form": "survey",
                "status": "submitted", "version": 1, "summary": "Khảo sát", "findings": "",
                "recommendations": "", "participants": 10, "topics": ()}
            for generated in ("change_seq", "updated_at", "received_at"):
                del row[generated]
            changes.append(store.Change(None, row, "visit_created"))
            day += timedelta(days=rng.randint(3, 5))
        store.write_visits(changes, None)


def _measure(fn, runs: int) -> tuple[float, int]:
    """Median milliseconds and the SQL statements of one call."""
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    times = []
    for run in range(runs):
        engine = db.engine
        if run == 0:
            event.listen(engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        if run == 0:
            event.remove(engine, "before_cursor_execute", listener)
        db.session.rollback()  # nothing carries over from one run to the next
    return statistics.median(times), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--cadres", type=int, default=0)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = _database(args.database, tmp)
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                              "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
            with app.app_context():
                upgrade()
                load_demo_data()
                year = date.today().year
                if args.cadres:
                    _synthetic(args.cadres, year)
                supervisor = db.session.scalar(select(User).where(User.username == "giamsat"))
                root = supervisor.unit
                while root.parent is not None:
                    root = root.parent
                hearing = open_hearing(supervisor, root, date(year, 10, 1), date(year, 11, 5), "Chủ Trì")
                db.session.commit()
                hearing_id = hearing.id
                with app.test_request_context():
                    rows_ms, rows_sql = _measure(lambda: hearing_rows(db.session.get(Hearing, hearing_id)),
                                                 args.runs)
                    docx_ms, docx_sql = _measure(lambda: hearing_docx(db.session.get(Hearing, hearing_id)),
                                                 args.runs)
                    size = len(hearing_docx(db.session.get(Hearing, hearing_id)).getvalue())
                    cadres = len(hearing_rows(db.session.get(Hearing, hearing_id))[0])
            client = app.test_client()
            client.post("/auth/sign-in", data={"username": "giamsat", "password": DEMO_PASSWORD})
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(f"/hearings/{hearing_id}")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            print(f"database: {make_url(url).get_backend_name()}, cadres heard: {cadres}, runs: {args.runs}")
            print(f"hearing_rows: {rows_ms:.1f} ms, {rows_sql} SQL statements")
            print(f"GET /hearings/<id>: {statistics.median(times):.1f} ms")
            print(f".docx report: {docx_ms:.1f} ms, {docx_sql} SQL statements, {size / 1024:.1f} KiB")
            with app.app_context():
                db.engine.dispose()
        finally:
            drop()


if __name__ == "__main__":
    main()
