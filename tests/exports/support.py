"""Shared by the export tests: a year of visits, starting an export as the page's buttons do, and
waiting for a job (polling its row, with a deadline: never a sleep that asserts a duration)."""

from __future__ import annotations

import csv
import io
import time
from datetime import date

import openpyxl
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from server.auth.models import User
from server.exports import kinds
from server.exports.models import ExportJob
from server.extensions import db
from server.planning.models import Placement
from server.reports import exports
from tests.factories import World
from tests.helpers import csrf_token
from tests.reports.data import YearWorld, build_year, visit

#: each kind's filters as its page would send them back, for the test world's 2024
PARAMS = {
    "visits": {"first": "2024-01-01", "last": "2024-12-31"},
    "coverage": {"first": "2024-01-01", "last": "2024-12-31", "counting": "approved"},
    "placements": {"year": "2024", "counting": "approved"},
    "year": {"counting": "approved"},  # + plan
}


def a_year(app: Flask, world: World, extra_visits: int = 0) -> YearWorld:
    with app.app_context():
        year = build_year(world)
        placement = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=date(2024, 2, 26),
                              end_date=date(2024, 3, 3), tasks=["Dự họp chi đoàn"], mentor_name="Bí Thư Mẫu")
        db.session.add(placement)
        db.session.flush()
        visit(world.cadre, world.commune_a1, date(2024, 2, 27), 2, placement_id=placement.id,
              summary="+84 912 trên đường", placement_tasks=["Dự họp chi đoàn"])
        for i in range(extra_visits):
            visit(world.cadre, world.commune_a1, date(2024, 8, 1 + i % 28), 1, summary=f"=Lượt {i}")
        db.session.commit()
    return year


def params_for(kind: str, year: YearWorld) -> dict[str, str]:
    return {**PARAMS[kind], **({"plan": str(year.plan)} if kind == "year" else {})}


def start(client: FlaskClient, kind: str, fmt: str, **params: str):
    """Post the report page's export form, CSRF token included, as its XLSX or CSV button does."""
    token = csrf_token(client, "/exports/")
    return client.post("/exports/", data={"csrf_token": token, "kind": kind, "format": fmt, **params})


def job_id_of(response) -> str:
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].rsplit("/", 1)[-1]


def wait_for(app: Flask, job_id: str, deadline_s: float = 60) -> ExportJob:
    """The job once it is done or failed; fails the test when the deadline passes first."""
    until = time.monotonic() + deadline_s
    while True:
        with app.app_context():
            job = db.session.get(ExportJob, job_id)
            assert job is not None
            if job.state in ("done", "failed"):
                db.session.expunge(job)
                return job
        assert time.monotonic() < until, f"job {job_id} still {job.state} after {deadline_s} s"
        time.sleep(0.05)


def direct_file(app: Flask, username: str, kind: str, fmt: str, params: dict, lang: str = "vi") -> bytes:
    """What the direct writer makes of the same export, for comparison."""
    with app.app_context(), force_locale(lang):
        user = db.session.scalar(db.select(User).where(User.username == username))
        table = kinds.table_for(kind, params, user)
        out = io.BytesIO()
        exports.write(table, fmt, out)
        return out.getvalue()


def cells(data: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
