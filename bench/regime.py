"""Time the regime's figures (server/regime) for a whole province at 1,000,000 visits.

    .venv/bin/python bench/seed_bulk.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    .venv/bin/python bench/regime.py --database sqlite:////tmp/dicoso-bulk.sqlite3
    .venv/bin/python bench/regime.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk

For the busiest year (2025) and the province's root unit it times, --runs times after one warm-up:

- the per-cadre figures statement alone (``figures_query(...)``, fetched with
  ``.all()``), approved only and approved + submitted: one SQL statement, the regime's core;
- ``year_report`` for the province (the same statement joined to the covered cadres and their
  exemptions, the rows shaped in Python, and the by-month pass), and for one district's subtree;
- ``standings(ids, on)`` on 31 December for the cadres of the unit with the most cadres (what a
  hearing of that unit asks) and for every cadre.

It prints a markdown table (median, min–max of wall time, and the median CPU time of this process:
on SQLite the query runs here, so that is the work itself whatever else the machine does), the
number of cadres and rows, and the query plan of the figures statement (EXPLAIN QUERY PLAN on
SQLite; EXPLAIN ANALYZE on PostgreSQL, whose execution time is the server's own).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import Role, User  # noqa: E402
from server.extensions import db  # noqa: E402
from server.planning.models import Plan  # noqa: E402
from server.regime.counting import Counting  # noqa: E402
from server.regime.days import figures_query  # noqa: E402
from server.regime.standing import standings  # noqa: E402
from server.reports.year import year_report  # noqa: E402
from server.units.models import Unit, UnitKind  # noqa: E402

YEAR = 2025
TARGET_MS = 300


def timed(fn, runs: int) -> tuple[float, float, float, float]:
    """Median, min and max wall time and the median CPU time of this process, after a warm-up."""
    fn()
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def explain(statement, analyze: bool) -> list[str]:
    """The plan of ``statement`` as the database prints it, one line per step: the SQL and the
    parameters the driver receives are caught on one ordinary execution, then run again behind
    EXPLAIN."""
    backend = db.engine.dialect.name
    if backend == "sqlite":
        prefix = "EXPLAIN QUERY PLAN"
    else:
        prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)" if analyze else "EXPLAIN (COSTS OFF)"
    caught = []

    def catch(conn, cursor, sql, parameters, context, executemany):
        caught.append((sql, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        db.session.execute(statement).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
    sql, parameters = caught[-1]
    rows = db.session.connection().exec_driver_sql(f"{prefix} {sql}", parameters).all()
    if backend == "sqlite":
        return [f"{'  ' * _depth(rows, r)}{r[3]}" for r in rows]
    return [r[0] for r in rows]


def _depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


def summary_lines(lines: list[str], backend: str) -> list[str]:
    """The lines that say which tables and indexes are read, and how long the server took."""
    if backend == "sqlite":
        return lines
    keep = ("Scan", "Join", "Sort", "WindowAgg", "Aggregate", "Execution Time", "Planning Time",
            "Index Cond", "Heap Fetches", "Sort Method", "Workers")
    return [line for line in lines if any(word in line for word in keep)]


def measure(url: str, runs: int, plans_only: bool, no_prepare: bool = False) -> None:
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    if no_prepare:
        # psycopg prepares a statement on its 5th execution on a connection; PostgreSQL may then
        # switch to a generic plan, which for the year report is a nested loop costing ~60 s
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"prepare_threshold": None}}
    app = create_app(config)
    with app.app_context():
        backend = db.engine.dialect.name
        province = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        plan = db.session.scalar(select(Plan).where(Plan.year == YEAR))
        first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
        # the district whose subtree holds the most cadres (their home unit is the district itself)
        district = db.session.scalar(
            select(Unit).join(User, User.unit_id == Unit.id).where(Unit.kind == UnitKind.DISTRICT)
            .group_by(Unit.id).order_by(func.count().desc(), Unit.id).limit(1))
        # the unit with the most cadres at home: a hearing of that unit asks for their standings
        busiest_unit, unit_cadres = db.session.execute(
            select(User.unit_id, func.count()).where(User.role == Role.CADRE)
            .group_by(User.unit_id).order_by(func.count().desc(), User.unit_id).limit(1)).one()
        unit_ids = list(db.session.scalars(
            select(User.id).where(User.role == Role.CADRE, User.unit_id == busiest_unit).order_by(User.id)))
        all_ids = list(db.session.scalars(select(User.id).where(User.role == Role.CADRE).order_by(User.id)))

        def statement(counting: Counting):
            return figures_query(first, last, counting, plan=plan, unit=province)

        def figures_alone(counting: Counting):
            return db.session.execute(statement(counting)).all()

        sample = year_report(plan, province, Counting.APPROVED)
        district_sample = year_report(plan, district, Counting.APPROVED) if district else None
        print(f"## {backend} — {url}")
        print()
        if no_prepare:
            print("psycopg prepare_threshold=None: no server-side prepared statements, custom plans")
            print()
        print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / "
              f"{os.getloadavg()[2]:.1f} on {os.cpu_count()} cores; {runs} runs after a warm-up")
        print()
        for counting in Counting:
            found = figures_alone(counting)
            print(f"- figures statement, {counting.value}: {len(found):,} cadre rows, "
                  f"{sum(r.visits for r in found):,} visits counted")
        print(f"- year_report (province, approved): {len(sample.rows):,} rows "
              f"({sample.summary.covered:,} covered + {sample.summary.exempt} exempt), "
              f"{sample.summary.visits:,} visits")
        if district_sample:
            print(f"- year_report ({district.name}, approved): {len(district_sample.rows):,} rows, "
                  f"{district_sample.summary.visits:,} visits")
        print(f"- standings: {len(unit_ids)} cadres of unit {busiest_unit} (the unit with the most, "
              f"{unit_cadres}); all {len(all_ids):,} cadres")
        print()
        for counting in Counting:
            analyze = backend == "postgresql"
            print(f"Plan of the figures statement ({counting.value}):")
            print("```")
            for line in summary_lines(explain(statement(counting), analyze), backend):
                print(line)
            print("```")
            print()
        if plans_only:
            db.engine.dispose()
            return
        on = last
        cases = {
            "figures statement, approved": lambda: figures_alone(Counting.APPROVED),
            "figures statement, approved + submitted": lambda: figures_alone(Counting.APPROVED_AND_SUBMITTED),
            "year_report, province, approved": lambda: year_report(plan, province, Counting.APPROVED),
            "year_report, province, approved + submitted": lambda: year_report(
                plan, province, Counting.APPROVED_AND_SUBMITTED),
        }
        if district:
            cases[f"year_report, one district ({len(district_sample.rows)} cadres), approved"] = (
                lambda: year_report(plan, district, Counting.APPROVED))
        cases[f"standings, {len(unit_ids)} cadres of one unit"] = lambda: standings(unit_ids, on)
        cases[f"standings, all {len(all_ids):,} cadres"] = lambda: standings(all_ids, on)
        print(f"| {YEAR}, {backend} | wall median | min–max | CPU here (median) | ≤ {TARGET_MS} ms |")
        print("| --- | ---: | ---: | ---: | --- |")
        for name, fn in cases.items():
            median, low, high, cpu = (round(x * 1000) for x in timed(fn, runs))
            verdict = "yes" if median <= TARGET_MS else "no"
            print(f"| {name} | {median:,} ms | {low:,}–{high:,} | {cpu:,} ms | {verdict} |", flush=True)
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plans-only", action="store_true", help="print the counts and query plans only")
    parser.add_argument("--no-prepare", action="store_true",
                        help="PostgreSQL: never let psycopg prepare statements (custom plans only; the "
                             "app's default lets it after 5 executions, see docs/benchmarks.md)")
    args = parser.parse_args()
    measure(args.database, args.runs, args.plans_only, args.no_prepare)


if __name__ == "__main__":
    main()
