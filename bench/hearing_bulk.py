"""The monthly hearing on a province-sized database: a page of the hearing and its .docx.

    .venv/bin/python bench/seed_bulk.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk
    .venv/bin/python bench/hearing_bulk.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk
    (the same with sqlite:////tmp/dicoso-bulk.sqlite3)

Opens (or finds) two hearings of the busiest month of the seed: one for the unit whose subtree holds
the most cadres the plan covers below the province, one for the province. Requests go through Flask's
test client as the seed's province-wide supervisor (server time only), --runs times each; prints the
median, the range and the answer's size. Every page of a hearing holds ``PAGE_SIZE`` cadres
(server/hearings/services.py), so a page's cost should not depend on how many are heard.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.extensions import db  # noqa: E402
from server.hearings import services  # noqa: E402
from server.hearings.models import Hearing  # noqa: E402
from server.units.models import Unit  # noqa: E402
from server.visits.models import Visit  # noqa: E402

PASSWORD = "bench-password-123"


def _busiest_month() -> date:
    month = func.substr(func.cast(Visit.start_date, db.String), 1, 7)
    text = db.session.execute(select(month).group_by(month).order_by(func.count().desc()).limit(1)).scalar()
    return date.fromisoformat(f"{text}-01")


def _hearing(unit: Unit, month: date, actor: User) -> Hearing:
    try:
        hearing = services.open_hearing(actor, unit, month, month, "Chủ Tọa Mẫu")
    except services.HearingExists as exists:
        hearing = exists.hearing
    db.session.commit()
    return hearing


def _largest_unit_below(root: Unit, year: int) -> Unit:
    """The unit under ``root`` (not ``root`` itself) whose hearing hears the most cadres."""
    best, most = root, -1
    for unit in db.session.scalars(select(Unit).where(Unit.parent_id == root.id)):
        heard = len(services.heard_cadres(unit, year)[0])
        if heard > most:
            best, most = unit, heard
    return best


def _timed(client, url: str, runs: int) -> tuple[float, float, float, int, int]:
    times, size, status = [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        size, status = max(size, len(response.get_data())), response.status_code
    return statistics.median(times), min(times), max(times), size, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--docx-runs", type=int, default=1)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()})
    with app.app_context():
        supervisor = db.session.scalar(select(User).where(User.username == "bench-sup"))
        root = supervisor.unit
        month = _busiest_month()
        unit = _largest_unit_below(root, month.year)
        cases = []
        for hearing in (_hearing(unit, month, supervisor), _hearing(root, month, supervisor)):
            heard = len(services.heard_cadres(hearing.unit, month.year)[0])
            pages = -(-heard // services.PAGE_SIZE)
            cases.append((hearing.id, hearing.unit.name, heard, pages))
    client = app.test_client()
    signed = client.post("/auth/sign-in", data={"username": "bench-sup", "password": PASSWORD})
    assert signed.status_code == 302, "cannot sign in as bench-sup"
    print(f"month {month:%m/%Y}, {services.PAGE_SIZE} cadres a page, medians of {args.runs}")
    print("| hearing | cadres heard | request | median ms (min–max) | size |")
    print("| --- | ---: | --- | ---: | ---: |")
    for hearing_id, name, heard, pages in cases:
        requests = [("page 1", f"/hearings/{hearing_id}", args.runs),
                    (f"page {pages} (last)", f"/hearings/{hearing_id}?page={pages}", args.runs),
                    (".docx (every cadre)", f"/hearings/{hearing_id}/report.docx", args.docx_runs)]
        for label, url, runs in requests:
            if runs <= 0:
                continue
            median, low, high, size, status = _timed(client, url, runs)
            assert status == 200, f"{url} answered {status}"
            print(f"| {name} | {heard:,} | {label} | {median:,.0f} ({low:,.0f}–{high:,.0f}) | {size:,} B |")


if __name__ == "__main__":
    main()
