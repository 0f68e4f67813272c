"""Benchmark a photo's upload and reading through each photo store (server/photos/stores/).

    .venv/bin/python bench/photo_store.py                  # SQLite (a temporary file)
    .venv/bin/python bench/photo_store.py --database postgresql+psycopg://postgres@127.0.0.1/postgres
    .venv/bin/python bench/photo_store.py --stores filesystem database --photos 20 --runs 5

For each store, gunicorn (one worker) on a loopback port serves the same database; a cadre's
phone declares photos of about 250 KB (1600×1200, what the phone sends) and sends them in 64 KiB
chunks, then reads each back (file and thumbnail). Prints, per run and as medians of the runs: a
chunk that is only kept (what the store costs), the last chunk (checksum, Pillow's check and
re-encoding, then the store's finish: mostly Pillow), a whole photo, and the file and thumbnail
read back. The S3 store needs a real endpoint (DICOSO_S3_* and AWS_* in the environment) and is
only run when named. For PostgreSQL, pass a server URL: a scratch database is made and dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests
from PIL import Image, ImageFilter
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.models import Role  # noqa: E402
from server.auth.services import create_user  # noqa: E402
from server.extensions import db  # noqa: E402
from server.units.models import UnitKind  # noqa: E402
from server.units.services import create_unit  # noqa: E402
from tests.api.live import gunicorn_server  # noqa: E402
from tests.factories import make_visit  # noqa: E402

PASSWORD = "bench-password-123"
CHUNK = 64 * 1024


def prepare(url: str) -> str:
    """Migrate the database and add a cadre with one visit; the visit's id."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        province = create_unit("Tỉnh đoàn", UnitKind.PROVINCE, code="B")
        commune = create_unit("Đoàn xã", UnitKind.COMMUNE, province, code="B-1")
        cadre = create_user("bench", "Cán bộ", PASSWORD, province, Role.CADRE)
        db.session.flush()
        visit = make_visit(cadre.id, commune.id, start=date.today() - timedelta(days=3))
        db.session.commit()
        visit_id = str(visit.id)
        db.engine.dispose()
    return visit_id


def photo(seed: int) -> bytes:
    """A 1600×1200 JPEG of about 250 KB (smooth noise: a real photo compresses about so)."""
    import random

    random.seed(seed)
    small = Image.effect_noise((200, 150), 40 + seed % 40).convert("RGB")
    image = small.resize((1600, 1200), Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()


def one_run(base: str, phone: requests.Session, visit_id: str, photos: list[bytes]) -> dict[str, float]:
    """Upload and read back every photo; medians in milliseconds."""
    chunk_ms, last_ms, photo_ms, file_ms, thumb_ms = [], [], [], [], []
    for data in photos:
        photo_id = str(uuid.uuid4())
        started = time.perf_counter()
        declared = phone.post(f"{base}/api/v1/visits/{visit_id}/photos", timeout=60, json={
            "id": photo_id, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "content_type": "image/jpeg", "taken_at": "2025-08-16T09:30:00+07:00", "caption": ""})
        assert declared.status_code == 201, declared.text
        for offset in range(0, len(data), CHUNK):
            sent = time.perf_counter()
            phone.patch(f"{base}/api/v1/photos/{photo_id}", data=data[offset:offset + CHUNK], timeout=60,
                        headers={"Upload-Offset": str(offset),
                                 "Content-Type": "application/offset+octet-stream"}).raise_for_status()
            took = (time.perf_counter() - sent) * 1000
            (last_ms if offset + CHUNK >= len(data) else chunk_ms).append(took)
        photo_ms.append((time.perf_counter() - started) * 1000)
        for path, into in (("file", file_ms), ("thumbnail", thumb_ms)):
            sent = time.perf_counter()
            phone.get(f"{base}/api/v1/photos/{photo_id}/{path}", timeout=60).raise_for_status()
            into.append((time.perf_counter() - sent) * 1000)
    return {"chunk": statistics.median(chunk_ms), "last chunk": statistics.median(last_ms),
            "photo": statistics.median(photo_ms), "file": statistics.median(file_ms),
            "thumbnail": statistics.median(thumb_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", help="'sqlite' or a PostgreSQL server URL")
    parser.add_argument("--stores", nargs="+", default=["filesystem", "database"],
                        choices=["filesystem", "database", "s3"])
    parser.add_argument("--photos", type=int, default=20, help="photos per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    scratch = None
    tmp = tempfile.mkdtemp(prefix="dicoso-bench-")
    if args.database == "sqlite":
        url = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        server = make_url(args.database)
        scratch = f"dicoso_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        url = server.set(database=scratch).render_as_string(hide_password=False)
    photos = [photo(seed) for seed in range(args.photos)]
    results: dict[str, list[dict[str, float]]] = {}
    try:
        visit_id = prepare(url)
        with contextlib.ExitStack() as servers:
            phones = {}
            for store in args.stores:  # all up at once, and the runs alternate between them, so
                # that a change in the shared machine's load falls on every store alike
                os.environ |= {"DICOSO_PHOTO_STORE": store, "DICOSO_PHOTOS_DIR": f"{tmp}/photos",
                               "DICOSO_MAX_PHOTOS_PER_VISIT": str(args.photos * args.runs * len(args.stores))}
                base = servers.enter_context(gunicorn_server(url, workers=1))
                phone = requests.Session()
                phone.trust_env = False
                token = phone.post(f"{base}/api/v1/tokens", timeout=30, json={
                    "username": "bench", "password": PASSWORD, "device_name": store}).json()["token"]
                phone.headers["Authorization"] = f"Bearer {token}"
                phones[store] = (base, phone)
                results[store] = []
            for run in range(1, args.runs + 1):
                for store, (base, phone) in phones.items():
                    results[store].append(one_run(base, phone, visit_id, photos))
                    figures = ", ".join(f"{k} {v:.1f}" for k, v in results[store][-1].items())
                    print(f"run {run} {store}: {figures} ms (load {os.getloadavg()[0]:.1f})", flush=True)
        mean_kb = statistics.mean(len(p) for p in photos) / 1024
        print(f"\n{make_url(url).get_backend_name()}: {args.photos} photos of {mean_kb:.0f} KB on average "
              f"in 64 KiB chunks, {args.runs} runs, gunicorn 1 worker; medians of the runs' medians, ms:")
        names = list(next(iter(results.values()))[0])
        print("| store | " + " | ".join(names) + " |")
        print("| --- " * (len(names) + 1) + "|")
        for store, runs in results.items():
            print(f"| {store} | " + " | ".join(f"{statistics.median(r[n] for r in runs):.1f}" for n in names)
                  + " |")
    finally:
        if scratch:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("RATELIMIT_ENABLED", "0")
    main()
