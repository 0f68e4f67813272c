"""Time the CSV import of users: the dry run and the apply of N rows, through the real pages.

    .venv/bin/python bench/admin_import.py [--users 500] [--runs 3]

In-process (Flask test client, CSRF on), on a fresh temporary SQLite database per run; an admin
and one unit exist. Prints the median seconds of the dry run and of the apply, and, for scale, what
hashing the same number of passwords with scrypt would cost on this machine.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

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


def _token(client, path: str) -> str:
    return _CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def one_run(users: int) -> tuple[float, float]:
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            province = create_unit("Tỉnh đoàn Mẫu", "province", code="20")
            create_user("quantri", "Quản Trị Mẫu", PASSWORD, province, Role.ADMIN)
            db.session.commit()
        client = app.test_client()
        client.post("/auth/sign-in", data={"username": "quantri", "password": PASSWORD,
                                           "csrf_token": _token(client, "/auth/sign-in")})
        rows = "".join(f"canbo{i:04d},Cán Bộ Mẫu {i:04d},cadre,20,yes,no,vi\n" for i in range(users))
        body = ("username,full_name,role,unit_code,full_time,probationary,language\n" + rows).encode()
        start = time.perf_counter()
        page = client.post("/admin/import/users", content_type="multipart/form-data", data={
            "csrf_token": _token(client, "/admin/import/users"), "file": (io.BytesIO(body), "u.csv")})
        dry = time.perf_counter() - start
        assert page.status_code == 200, page.status_code
        content = body.decode()
        start = time.perf_counter()
        done = client.post("/admin/import/users/apply", data={
            "csrf_token": _token(client, "/admin/import/users"), "content": content})
        applied = time.perf_counter() - start
        assert done.status_code == 200 and done.get_data(as_text=True).count("<code>") == users
        with app.app_context():
            db.engine.dispose()
        return dry, applied


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run(args.users) for _ in range(args.runs)]
    start = time.perf_counter()
    for _ in range(10):
        generate_password_hash("x" * 14, method="scrypt")
    scrypt = (time.perf_counter() - start) / 10
    print(f"{args.users} users, {args.runs} runs (medians)")
    print(f"dry run: {statistics.median(r[0] for r in results):.2f} s")
    print(f"apply:   {statistics.median(r[1] for r in results):.2f} s")
    print(f"the same number of scrypt hashes would take about {scrypt * args.users:.0f} s "
          f"({scrypt * 1000:.0f} ms each)")


if __name__ == "__main__":
    main()
