"""Time the CSV imports of units and users: dry run and apply, through the real pages.

    .venv/bin/python bench/admin_import.py [--units 5000] [--users 500] [--runs 3] [--database-url URL]

In-process (Flask test client, CSRF on), on a fresh migrated database per run: a temporary SQLite
file, or with ``--database-url postgresql+psycopg://user@host/any`` a database created on that
server and dropped after the run. An admin and the province (code 20) exist.

Units, four steps on the same database:

- ``new``: a file of N units (districts of 99 communes each, the districts listed after their
  communes so parents must be found in the file), dry run and apply: every unit created;
- ``again``: the same file again, dry run only: every row unchanged, nothing to apply;
- ``reform``: the 2025 reform in one file of N rows: 80 % of the districts end on 30/06/2025 and
  their communes merge four by four into new communes under the province from 01/07/2025 (a
  district, its 99 communes and 25 new ones: 125 rows), dry run and apply;
- ``rename``: the first file with every tenth name changed, dry run and apply.

Users: N new users, dry run and apply (which also renders the page with every temporary password).
Prints the median seconds of each step, and, for scale, what hashing N passwords with scrypt would
cost on this machine.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import Role  # noqa: E402
from server.auth.services import create_user  # noqa: E402
from server.extensions import db  # noqa: E402
from server.units.services import create_unit  # noqa: E402

PASSWORD = "bench-password-123"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
UNIT_HEADER = "code,name,kind,parent_code,valid_from,valid_until,successor\n"
USER_HEADER = "username,full_name,role,unit_code,full_time,probationary,language\n"


@contextmanager
def database(server_url: str | None) -> Iterator[str]:
    """A fresh database URL for one run, removed afterwards."""
    if not server_url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    name = f"dicoso_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _signed_in_client(url: str):
    from flask_migrate import upgrade

    # no two-factor sign-in required: the bench times the import, not the sign-in
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "TWO_FACTOR_ROLES": ()})
    with app.app_context():
        upgrade()
        province = create_unit("Tỉnh đoàn Mẫu", "province", code="20")
        create_user("quantri", "Quản Trị Mẫu", PASSWORD, province, Role.ADMIN)
        db.session.commit()
    client = app.test_client()
    client.post("/auth/sign-in", data={"username": "quantri", "password": PASSWORD,
                                       "csrf_token": _token(client, "/auth/sign-in")})
    return app, client


def _token(client, path: str) -> str:
    return _CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _import(client, kind: str, body: str, apply: bool = True) -> tuple[float, float | None, str]:
    """Dry run and apply one file; the seconds of each and the final page."""
    start = time.perf_counter()
    page = client.post(f"/admin/import/{kind}", content_type="multipart/form-data", data={
        "csrf_token": _token(client, f"/admin/import/{kind}"), "file": (io.BytesIO(body.encode()), "f.csv")})
    dry = time.perf_counter() - start
    assert page.status_code == 200, (page.status_code, page.get_data(as_text=True)[:3000])
    if not apply:
        assert 'id="import-nothing"' in page.get_data(as_text=True)
        return dry, None, page.get_data(as_text=True)
    start = time.perf_counter()
    done = client.post(f"/admin/import/{kind}/apply", data={
        "csrf_token": _token(client, f"/admin/import/{kind}"), "content": body})
    applied = time.perf_counter() - start
    assert done.status_code == 200, done.status_code
    return dry, applied, done.get_data(as_text=True)


def unit_files(count: int) -> dict[str, str]:
    """The four unit files (see the module's docstring), ``count`` rows each at most."""
    districts = max(1, count // 100)
    reformed = max(1, count // 125)  # a district, its 99 communes and the 25 new ones: 125 rows
    rows, reform, renamed, new = [], [], [], []
    for d in range(districts):
        district = f"20D{d:03d}"
        for c in range(99):
            code, name = f"{district}C{c:02d}", f"Đoàn xã Mẫu {d:03d}-{c:02d}"
            rows.append(f"{code},{name},commune,{district},,,")
            renamed.append(f"{code},{name + ' mới' if c % 10 == 0 else name},commune,{district},,,")
            if d < reformed:
                successor = f"20N{d:03d}{c // 4:02d}"
                reform.append(f"{code},{name},commune,{district},,30/06/2025,{successor}")
                if c % 4 == 0:
                    new.append(f"{successor},Đoàn xã Hợp Nhất {d:03d}-{c // 4:02d},commune,20,01/07/2025,,")
        rows.append(f"{district},Huyện đoàn Mẫu {d:03d},district,20,,,")
        renamed.append(rows[-1])
        if d < reformed:
            reform.append(f"{district},Huyện đoàn Mẫu {d:03d},district,20,,30/06/2025,")
    body = UNIT_HEADER + "\n".join(rows) + "\n"
    return {"new": body, "again": body, "reform": UNIT_HEADER + "\n".join(reform + new) + "\n",
            "rename": UNIT_HEADER + "\n".join(renamed) + "\n"}


def units_run(url: str, count: int) -> dict[str, tuple[float, float]]:
    app, client = _signed_in_client(url)
    files = unit_files(count)
    times = {}
    for step in ("new", "again", "reform", "rename"):
        dry, applied, _page = _import(client, "units", files[step], apply=step != "again")
        times[step] = (dry, applied)
    with app.app_context():
        db.engine.dispose()
    return times


def users_run(url: str, count: int) -> dict[str, tuple[float, float]]:
    app, client = _signed_in_client(url)
    rows = "".join(f"canbo{i:04d},Cán Bộ Mẫu {i:04d},cadre,20,yes,no,vi\n" for i in range(count))
    dry, applied, page = _import(client, "users", USER_HEADER + rows)
    assert page.count('class="slip"') == count, "not every temporary password is on the page"
    with app.app_context():
        db.engine.dispose()
    return {"new": (dry, applied)}


def _runs(runs: int, server_url: str | None, one: Callable[[str], dict]) -> dict[str, list]:
    results: dict[str, list] = {}
    for _ in range(runs):
        with database(server_url) as url:
            for step, value in one(url).items():
                results.setdefault(step, []).append(value)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite files")
    args = parser.parse_args()
    where = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    print(f"{where}, {args.runs} runs (medians; min-max)")
    for kind, count, one in (("units", args.units, lambda url: units_run(url, args.units)),
                             ("users", args.users, lambda url: users_run(url, args.users))):
        if not count:
            continue
        for step, values in _runs(args.runs, args.database_url, one).items():
            rows = len(unit_files(count)[step].splitlines()) - 1 if kind == "units" else count
            for label, i in (("dry run", 0), ("apply", 1)):
                seconds = [v[i] for v in values if v[i] is not None]
                if not seconds:
                    continue
                print(f"{kind} {step:<7} {rows:>5} rows  {label:<8} {statistics.median(seconds):6.2f} s"
                      f"  ({min(seconds):.2f}-{max(seconds):.2f})")
    if args.users:
        start = time.perf_counter()
        for _ in range(10):
            generate_password_hash("x" * 14, method="scrypt")
        scrypt = (time.perf_counter() - start) / 10
        print(f"the same number of scrypt hashes as users would take about {scrypt * args.users:.0f} s "
              f"({scrypt * 1000:.0f} ms each)")


if __name__ == "__main__":
    main()
