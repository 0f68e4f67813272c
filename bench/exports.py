"""Time an export job of the visit list, to the file being ready, and its process's peak memory.

    .venv/bin/python bench/seed_bulk.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk
    .venv/bin/python bench/exports.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk --runs 3
    .venv/bin/python bench/exports.py --database … --first 2021-01-01 --last 2025-12-31 --runs 1  # all

``--http`` measures the whole path instead: gunicorn (2 workers, the default thread runner) on the
database, the admin signs in, opens the visit list, presses the button (POST), follows the job's
page until it says done and downloads the file; the workers' peak RSS is read from /proc (VmHWM).

Each run makes a job as the report page's button does (an admin's, the whole province, the period),
then runs it in a child process, as RQ's worker (``flask exports worker``) would: the child's peak
resident memory (ru_maxrss) is the job's own, not this script's. "Ready" is the wall time from the
job's creation to its row saying done (the child's start-up, about a second, included); the file
is then read back from its chunks to check its size. The database is migrated first (export_jobs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import Role, User  # noqa: E402
from server.exports import runners, services  # noqa: E402
from server.exports.models import ExportJob  # noqa: E402
from server.extensions import db  # noqa: E402
from server.reports.scope import root_unit  # noqa: E402

CONFIG = {"SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, "EXPORT_QUEUE": "eager"}


def child(url: str, job_id: str) -> None:
    """Run one job here and print what it cost (the parent reads the last line)."""
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    began = time.perf_counter()
    runners.run_in_app(app, job_id)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": time.perf_counter() - began, "peak_rss_kb": usage.ru_maxrss,
                      "cpu": usage.ru_utime + usage.ru_stime}))


def one_run(app, url: str, fmt: str, first: str, last: str) -> dict:
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
        params = {"unit": root_unit(admin).id, "first": first, "last": last, "status": None, "form": None}
        began = time.perf_counter()
        job_id = services.create_job(admin, "visits", params, fmt).id
        db.session.commit()
    done = subprocess.run([sys.executable, __file__, "--database", url, "--child", job_id],
                          capture_output=True, text=True, check=True)
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        ready = (job.finished_at - job.created_at).total_seconds()
        db.session.commit()  # SQLite: this session's transaction holds the write lock; reads need none
        stored = sum(len(chunk) for chunk in services.file_chunks(db.engine, job_id))
        assert job.state == "done", job.error
        assert stored == job.size and job.rows_written == job.rows_expected, (stored, job.size)
        cost = json.loads(done.stdout.strip().splitlines()[-1])
        result = {**cost, "ready": ready, "rows": job.rows_written, "size": job.size,
                  "wall": time.perf_counter() - began}
        db.session.delete(job)  # its chunks go with it
        db.session.commit()
    return result


def over_http(url: str, fmt: str, first: str, last: str, port: int = 8765) -> dict:
    import requests

    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "DICOSO_TWO_FACTOR_ROLES": "",
           "RATELIMIT_ENABLED": "0", "DICOSO_EXPORT_QUEUE": "thread"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b",
                               f"127.0.0.1:{port}", "--timeout", "30", "wsgi:app"], cwd=ROOT, env=env,
                              stderr=subprocess.DEVNULL)
    base, web = f"http://127.0.0.1:{port}", requests.Session()
    try:
        for _ in range(100):
            try:
                page = web.get(f"{base}/auth/sign-in").text
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        web.post(f"{base}/auth/sign-in", data={"username": "bench-admin", "password": "bench-password-123",
                                               "csrf_token": token})
        page = web.get(f"{base}/reports/visits?first={first}&last={last}").text
        form = page.split('class="exports"')[1].split("</form>")[0]
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
        began = time.perf_counter()
        answer = web.post(f"{base}/exports/", data={**fields, "format": fmt}, allow_redirects=False)
        posted = time.perf_counter() - began
        job = base + answer.headers["Location"]
        while 'data-state="done"' not in (page := web.get(job).text):
            assert 'data-state="failed"' not in page, "the job failed"
            time.sleep(0.5)
        ready = time.perf_counter() - began
        size = len(web.get(f"{job}/file").content)
        downloaded = time.perf_counter() - began
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                 text=True).stdout.split()
        peak = max(int(re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{w}/status").read_text()).group(1))
                   for w in workers)
        return {"posted": posted, "ready": ready, "downloaded": downloaded, "size": size, "peak_rss_kb": peak}
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite:////tmp/dicoso-bulk.sqlite3")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["xlsx", "csv"])
    parser.add_argument("--first", default="2024-01-01")  # about 100,000 visits in the bulk data
    parser.add_argument("--last", default="2024-06-30")
    parser.add_argument("--http", action="store_true", help="through gunicorn, as a browser would")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.database, args.child)
    from flask_migrate import upgrade

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": args.database})
    with app.app_context():
        upgrade()
    if args.http:
        for fmt in args.formats:
            for _ in range(args.runs):
                r = over_http(args.database, fmt, args.first, args.last)
                print(f"  {fmt} over HTTP: POST answered in {r['posted']:.2f} s, ready {r['ready']:.1f} s, "
                      f"downloaded {r['downloaded']:.1f} s ({r['size'] / 1e6:.1f} MB), "
                      f"workers' peak RSS {r['peak_rss_kb'] / 1024:.0f} MB")
        return
    for fmt in args.formats:
        runs = [one_run(app, args.database, fmt, args.first, args.last) for _ in range(args.runs)]
        for r in runs:
            print(f"  {fmt}: ready {r['ready']:.1f} s (job {r['seconds']:.1f} s, CPU {r['cpu']:.1f} s), "
                  f"peak RSS {r['peak_rss_kb'] / 1024:.0f} MB, {r['rows']:,} rows, {r['size'] / 1e6:.1f} MB")
        median = {k: statistics.median(r[k] for r in runs) for k in ("ready", "cpu", "peak_rss_kb")}
        most_rss = max(r["peak_rss_kb"] for r in runs) / 1024
        print(f"{fmt} {args.first}–{args.last}, {runs[0]['rows']:,} visits, median of {len(runs)}: "
              f"ready {median['ready']:.1f} s (min {min(r['ready'] for r in runs):.1f}, "
              f"max {max(r['ready'] for r in runs):.1f}), CPU {median['cpu']:.1f} s, "
              f"peak RSS {median['peak_rss_kb'] / 1024:.0f} MB (max {most_rss:.0f})")


if __name__ == "__main__":
    main()
