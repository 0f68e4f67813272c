"""Server time of the review queue and of every other page a person opens, on a seeded database.

    .venv/bin/python bench/seed_bulk.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    .venv/bin/python bench/review_queue.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    (the same with postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk)

Requests go through Flask's test client (no network: server time only), each repeated --runs
times; the table gives the median and the largest answer size. Two reviewers: the province-wide
supervisor of the seed (``bench-sup``) and a supervisor of one commune, created here if missing.
It also prints the query plans of the queue's main queries.
"""

from __future__ import annotations

import argparse
import calendar
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import Role, User  # noqa: E402
from server.auth.services import create_user  # noqa: E402
from server.extensions import db  # noqa: E402
from server.units.models import Unit  # noqa: E402
from server.visits.models import Visit  # noqa: E402

PASSWORD = "bench-password-123"


def commune_supervisor(app) -> tuple[str, int, int]:
    """A supervisor at the commune with the most cadres; (username, unit id, busiest cadre id)."""
    with app.app_context():
        unit_id, _count = db.session.execute(
            select(User.unit_id, func.count()).where(User.role == Role.CADRE)
            .group_by(User.unit_id).order_by(func.count().desc()).limit(1)).one()
        if db.session.scalar(select(User).where(User.username == "bench-sup-commune")) is None:
            create_user("bench-sup-commune", "Giám Sát Xã Mẫu", PASSWORD, db.session.get(Unit, unit_id),
                        Role.SUPERVISOR)
            db.session.commit()
        busiest = db.session.execute(
            select(Visit.cadre_id, func.count()).group_by(Visit.cadre_id)
            .order_by(func.count().desc()).limit(1)).one()[0]
        return "bench-sup-commune", unit_id, busiest


def busiest_month() -> tuple[str, str]:
    """The first and last day of the month in which the most visits start (ISO dates)."""
    month = func.substr(func.cast(Visit.start_date, db.String), 1, 7)
    text = db.session.execute(select(month).group_by(month).order_by(func.count().desc()).limit(1)).scalar()
    first = date.fromisoformat(f"{text}-01")
    return first.isoformat(), first.replace(day=calendar.monthrange(first.year, first.month)[1]).isoformat()


def client_for(app, username: str):
    client = app.test_client()
    response = client.post("/auth/sign-in", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"cannot sign in as {username}"
    return client


def timed(client, url: str, runs: int, headers: dict | None = None) -> tuple[float, int, int]:
    times, size, status = [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        times.append((time.perf_counter() - started) * 1000)
        size, status = max(size, len(response.get_data())), response.status_code
        assert status == 200, f"{url} answered {status}: a redirect is not the page"
    return statistics.median(times), size, status


def deep_cursor(client, url: str, pages: int) -> str:
    """Follow "next page" ``pages`` times; the last URL."""
    for _ in range(pages):
        page = client.get(url).get_data(as_text=True)
        found = re.search(r'href="([^"]+)" rel="next"', page)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    return url


def explain(app, label: str, sql: str) -> None:
    with app.app_context():
        dialect = db.engine.dialect.name
        prefix = ("EXPLAIN QUERY PLAN " if dialect == "sqlite"
                  else "EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) ")
        rows = db.session.execute(text(prefix + sql)).all()
        print(f"\n-- plan: {label}")
        for row in rows:
            print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()})
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Visit))
        month = db.session.scalar(select(func.max(Visit.start_date)))
    commune_sup, commune_unit, busiest = commune_supervisor(app)
    with app.app_context():
        district = db.session.scalar(select(Unit.id).where(Unit.kind == "district").limit(1))
        busiest_name = db.session.get(User, busiest).username
        busiest_count = db.session.scalar(select(func.count()).where(Visit.cadre_id == busiest))
    first_of_month = month.replace(day=1).isoformat()
    with app.app_context():
        busiest_first, busiest_last = busiest_month()
    print(f"{total:,} visits; busiest cadre {busiest_name} has {busiest_count:,}")
    rows = []
    for username in ("bench-sup", commune_sup):
        client = client_for(app, username)
        unit = district if username == "bench-sup" else commune_unit
        cases = [
            ("queue, first page", "/review/"),
            ("queue, unit subtree + status + month",
             f"/review/?unit={unit}&status=submitted&date_from={first_of_month}&date_to={month.isoformat()}"),
            ("queue, text search 'kiem tra'", "/review/?status=&q=kiem+tra"),
            # the filters issue #20 measured slow
            ("queue, the busiest month", f"/review/?date_from={busiest_first}&date_to={busiest_last}"),
            ("queue, placement visits only", "/review/?status=&placement=y"),
            ("queue, late reports only", "/review/?status=&late=y"),
            ("queue, a search that matches nothing", "/review/?status=&q=zzqxj"),
            ("queue, page 20", deep_cursor(client, "/review/?status=", 19)),
            ("home page", "/"),
        ]
        for label, url in cases:
            median, size, status = timed(client, url, args.runs)
            rows.append((username, label, median, size, status))
    cadre = client_for(app, busiest_name)
    token = cadre.post("/api/v1/tokens", json={"username": busiest_name, "password": PASSWORD,
                                               "device_name": "bench"}).get_json()["token"]
    for label, url, headers in [
        ("cadre: my visits", "/visits/", None),
        ("cadre: home page", "/", None),
        ("cadre: record a visit", "/visits/new", None),
        ("cadre: first pull (API)", "/api/v1/sync/pull", {"Authorization": f"Bearer {token}"}),
        ("cadre: bootstrap (API)", "/api/v1/bootstrap", {"Authorization": f"Bearer {token}"}),
    ]:
        median, size, status = timed(cadre, url, args.runs, headers)
        rows.append((busiest_name, label, median, size, status))
    print("\n| who | page | median ms | bytes | status |\n| --- | --- | ---: | ---: | ---: |")
    for who, label, median, size, status in rows:
        print(f"| {who} | {label} | {median:.0f} | {size:,} | {status} |")
    explain(app, "queue first page, province-wide",
            "SELECT id FROM visits WHERE status = 'submitted' AND cadre_id IN "
            "(SELECT id FROM users WHERE id != 2) ORDER BY received_at DESC, id DESC LIMIT 51")
    explain(app, "waiting count, province-wide",
            "SELECT count(*) FROM visits WHERE status = 'submitted' AND cadre_id IN "
            "(SELECT id FROM users WHERE id != 2)")


if __name__ == "__main__":
    main()
