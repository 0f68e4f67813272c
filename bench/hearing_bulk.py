"""The monthly hearing on a province-sized database: a page of the hearing and its .docx.

    .venv/bin/python bench/seed_bulk.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk
    .venv/bin/python bench/hearing_bulk.py --database postgresql+psycopg://postgres@127.0.0.1/dicoso_bulk
    (the same with sqlite:////tmp/dicoso-bulk.sqlite3)

Opens (or finds) two hearings of the busiest month of the seed: one for the unit whose subtree holds
the most cadres the plan covers below the province, one for the province. Requests go through Flask's
test client as the seed's province-wide supervisor (server time only), --runs times each; prints the
median, the range and the answer's size. Every page of a hearing holds ``PAGE_SIZE`` cadres
(server/hearings/services.py), so a page's cost should not depend on how many are heard.

The .docx is asked at once whatever the number of cadres (``HEARING_DOCX_DIRECT_CADRES`` set out of
reach); with ``--job-runs`` it is also asked as the app asks a long one, an export job run by a
thread: the time until the link answers (its redirect), until the job is done, and the download.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.exports.models import ExportJob  # noqa: E402
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


def _as_job(app, client, hearing_id: int) -> tuple[float, float, float, int, int]:
    """The report as an export job: ms until the link redirects, until the job is done, and to
    download its file; the file's size and the number of cadres the job counted."""
    app.config.update(HEARING_DOCX_DIRECT_CADRES=0, EXPORT_QUEUE="thread")
    try:
        started = time.perf_counter()
        response = client.get(f"/hearings/{hearing_id}/report.docx")
        redirected = time.perf_counter()
        assert response.status_code == 303, f"the report link answered {response.status_code}"
        job_id = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[-1]
        while True:
            with app.app_context():
                job = db.session.get(ExportJob, job_id)
                state, error, cadres = job.state, job.error, job.rows_written
            if state in ("done", "failed"):
                break
            time.sleep(0.2)
        done = time.perf_counter()
        assert state == "done", f"job {job_id} failed: {error}"
        file = client.get(f"/exports/{job_id}/file")
        size = len(file.get_data())
        assert file.status_code == 200
        downloaded = time.perf_counter()
    finally:
        app.config.update(HEARING_DOCX_DIRECT_CADRES=10**9)
    return ((redirected - started) * 1000, (done - started) * 1000, (downloaded - done) * 1000, size,
            cadres)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--docx-runs", type=int, default=1)
    parser.add_argument("--job-runs", type=int, default=0, help="the .docx as an export job, this many times")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": (),
                      # the .docx rows time it at once; --job-runs asks it as a job
                      "HEARING_DOCX_DIRECT_CADRES": 10**9})
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
        for _ in range(args.job_runs):
            redirect, done, download, size, cadres = _as_job(app, client, hearing_id)
            assert cadres == heard, (cadres, heard)
            print(f"| {name} | {heard:,} | .docx as a job: redirect {redirect:,.0f}, done {done:,.0f}, "
                  f"download {download:,.0f} | {size:,} B |")


if __name__ == "__main__":
    main()
