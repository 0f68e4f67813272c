"""Time each report for the whole province, and the XLSX export's peak memory, on a bulk database.

    .venv/bin/python bench/seed_bulk.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    .venv/bin/python bench/reports.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    .venv/bin/python bench/reports.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk

Each report is computed by its service (the SQL aggregation plus shaping the rows), --runs times
after one warm-up run; the median and the spread are printed. Then the year-end page itself, its
first page of cadres, through Flask's test client as the seed's province-wide supervisor (server
time: the page asks for its own 200 cadres' figures, the summary's and the charts'). The export
runs the real CLI, ``flask report visits --format xlsx``, in a child process over a period holding
about 100,000 visits, and reads the child's peak resident memory (ru_maxrss) and wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review_queue import PASSWORD  # noqa: E402  (bench/, beside this script)

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.planning.models import Plan  # noqa: E402
from server.regime.counting import Counting  # noqa: E402
from server.reports.coverage import coverage_report  # noqa: E402
from server.reports.placements import placements_report  # noqa: E402
from server.reports.tables import visits_count  # noqa: E402
from server.reports.year import year_report  # noqa: E402
from server.units.models import Unit  # noqa: E402

YEAR = 2025
EXPORT_PERIOD = (date(2024, 1, 1), date(2024, 6, 30))  # about 100,000 visits in the bulk data


def timed(fn, runs: int) -> tuple[float, float, float, float]:
    """Median, min and max wall time, and the median CPU time of this process (on SQLite the query
    runs here, so that is the work itself, whatever else the shared machine is doing)."""
    fn()  # warm-up: caches, the planner's statistics
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def measure_reports(url: str, runs: int, only: str | None = None) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        province = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        plan = db.session.scalar(select(Plan).where(Plan.year == YEAR))
        first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
        cases = {
            "year (approved)": lambda: year_report(plan, province, Counting.APPROVED),
            "year (approved + submitted)": lambda: year_report(
                plan, province, Counting.APPROVED_AND_SUBMITTED
            ),
            "coverage (whole year)": lambda: coverage_report(province, first, last, Counting.APPROVED),
            "placements": lambda: placements_report(province, first, last, Counting.APPROVED),
            # the seed's placement visits are all submitted: here the tasks they tick are read too
            "placements (approved + submitted)": lambda: placements_report(
                province, first, last, Counting.APPROVED_AND_SUBMITTED
            ),
        }
        cases = {name: fn for name, fn in cases.items() if only is None or only in name}
        sample = year_report(plan, province, Counting.APPROVED)
        print(f"{url}: {len(sample.rows):,} cadres, {sample.summary.visits:,} visits counted in {YEAR}")
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for name, fn in cases.items():
            median, low, high, cpu = timed(fn, runs)
            ms = [round(x * 1000) for x in (median, low, high, cpu)]
            print(f"  {name:28s} median {ms[0]:5d} ms (min {ms[1]}, max {ms[2]}), CPU here {ms[3]} ms")
        count = visits_count(province, *EXPORT_PERIOD)
        db.engine.dispose()
    if only is None or "page" in only:
        measure_year_page(url, plan.id, runs)
    if only is None:
        measure_export(url, count)


def measure_year_page(url: str, plan_id: int, runs: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()})
    client = app.test_client()
    signed = client.post("/auth/sign-in", data={"username": "bench-sup", "password": PASSWORD})
    assert signed.status_code == 302, "cannot sign in as bench-sup"
    for counting in Counting:
        path = f"/reports/year?plan={plan_id}&counting={counting.value}"
        size = 0

        def page(path=path) -> None:
            nonlocal size
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            size = len(response.get_data())

        median, low, high, cpu = timed(page, runs)
        ms = [round(x * 1000) for x in (median, low, high, cpu)]
        print(f"  year page ({counting.value:9s})       median {ms[0]:5d} ms (min {ms[1]}, max {ms[2]}), "
              f"CPU here {ms[3]} ms, {size:,} B")


def measure_export(url: str, count: int) -> None:
    out = Path(tempfile.mkdtemp()) / "visits.xlsx"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    began = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / ".venv/bin/flask"),
            "--app",
            "wsgi",
            "report",
            "visits",
            "--from",
            EXPORT_PERIOD[0].isoformat(),
            "--to",
            EXPORT_PERIOD[1].isoformat(),
            "--format",
            "xlsx",
            "-o",
            str(out),
        ],
        check=True,
        cwd=ROOT,
        env=env,
    )
    elapsed = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"  export {count:,} visits to XLSX: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB, "
        f"file {out.stat().st_size / 1e6:.1f} MB"
    )
    out.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="time only the reports whose name contains this (no export)")
    args = parser.parse_args()
    measure_reports(args.database, args.runs, args.only)


if __name__ == "__main__":
    main()
