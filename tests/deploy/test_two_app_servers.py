"""Two app servers behind one address: a phone's requests and a supervisor's pages may reach
either one, so nothing a request needs may live in one server only (docs/deployment.md).

Two gunicorn processes, each with its own instance folder (as on two machines), on the suite's
database (one SQLite file, or PostgreSQL with TEST_DATABASE_URL), one SECRET_KEY, the rate limits in
Redis when it answers on 127.0.0.1:6379, and the photo store under test. A cadre's phone starts a
photo through server 1 and finishes it through server 2; the cadre reads it back through server 2;
the supervisor signs in on server 2 and opens the visit's review page and its thumbnail.

With ``database`` every step works. With ``filesystem`` (the default, for one machine) server 2
has none of server 1's bytes: the test asserts that it fails, as a deployment would.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

from server.extensions import db
from tests.api.live import free_port
from tests.factories import PASSWORD, make_visit
from tests.helpers import next_code
from tests.photos.support import CHUNK, jpeg

requests = pytest.importorskip("requests")

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)
#: variables of the machine that would change what the servers do
FOREIGN = ("DICOSO_WORKERS", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "DICOSO_PHOTOS_DIR",
           "DICOSO_INSTANCE_PATH", "DICOSO_S3_BUCKET", "DICOSO_PHOTO_STORE", "RATELIMIT_STORAGE_URI",
           "DICOSO_RATELIMIT_KEY_PREFIX")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def app_servers(count: int, env: dict[str, str], folder: Path) -> Iterator[list[tuple[str, Path]]]:
    """``count`` gunicorns (one worker each), each with its own instance folder; their URLs and
    log files. Started together (their boots overlap), all stopped at the end, whatever happens."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    servers: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        for n in range(1, count + 1):
            port, log = free_port(), folder / f"server-{n}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [str(gunicorn), "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}",
                     "--chdir", str(ROOT), "wsgi:app"],
                    env={**env, "DICOSO_INSTANCE_PATH": str(folder / f"server-{n}")},
                    stdout=out, stderr=subprocess.STDOUT)
            servers.append((process, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + 60
        for process, url, log in servers:
            while True:
                try:
                    requests.get(f"{url}/auth/sign-in", timeout=30)
                    break
                except requests.ConnectionError:  # refused while the worker boots
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}") from None
                    time.sleep(0.1)
        yield [(url, log) for _process, url, log in servers]
    finally:
        for process, _url, _log in servers:
            process.terminate()
        for process, _url, _log in servers:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment between us and 127.0.0.1
    return session


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _sign_in(session: requests.Session, base: str, app, username: str) -> None:
    """Through the web form, with the two-factor code a supervisor needs."""
    answer = session.post(f"{base}/auth/sign-in", timeout=30, allow_redirects=False, data={
        "username": username, "password": PASSWORD, "csrf_token": _csrf(session, f"{base}/auth/sign-in")})
    assert answer.headers.get("Location", "").endswith("/auth/two-factor/code"), answer.status_code
    answer = session.post(f"{base}/auth/two-factor/code", timeout=30, allow_redirects=False, data={
        "code": next_code(app, username), "csrf_token": _csrf(session, f"{base}/auth/two-factor/code")})
    assert answer.status_code in (302, 303) and "/auth/" not in answer.headers["Location"]


def _send(phone: requests.Session, base: str, photo_id: str, offset: int, chunk: bytes):
    return phone.patch(f"{base}/api/v1/photos/{photo_id}", data=chunk, timeout=30, headers={
        "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})


@pytest.mark.timeout(120)
@pytest.mark.parametrize("store", ["database", "filesystem"])
def test_two_app_servers_share_photos_sessions_and_limits(app, world, database_url, tmp_path, store):
    shared_photos = store != "filesystem"
    with app.app_context():
        visit_id = str(make_visit(world.cadre, world.commune_a1, start=date.today() - timedelta(days=3)).id)
        db.session.commit()
    prefix = f"dicoso-test-{uuid.uuid4().hex[:8]}"
    redis = _redis_answers()
    env = {key: value for key, value in os.environ.items() if key not in FOREIGN}
    env |= {"DATABASE_URL": database_url, "SECRET_KEY": "one key for every server",
            "DICOSO_PHOTO_STORE": store, "PYTHONPATH": str(ROOT)}
    if redis:
        env |= {"RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/0", "RATELIMIT_ENABLED": "1",
                "DICOSO_RATELIMIT_KEY_PREFIX": prefix}
    else:  # each server would count alone: no shared limits to show, photos and sessions still
        warnings.warn(f"Redis does not answer on {REDIS[0]}:{REDIS[1]}: shared rate limits not checked",
                      stacklevel=1)
        env |= {"RATELIMIT_ENABLED": "0"}
    data = jpeg(800, 600)
    assert len(data) > 2 * CHUNK
    photo_id = str(uuid.uuid4())

    with app_servers(2, env, tmp_path) as [(one, log_one), (two, _log_two)]:
        phone = _session()
        token = phone.post(f"{one}/api/v1/tokens", timeout=30, json={
            "username": "cadre", "password": PASSWORD, "device_name": "phone"}).json()["token"]
        phone.headers["Authorization"] = f"Bearer {token}"
        declared = phone.post(f"{one}/api/v1/visits/{visit_id}/photos", timeout=30, json={
            "id": photo_id, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "content_type": "image/jpeg", "taken_at": "2025-08-16T09:30:00+07:00", "caption": "Nà Pàn"})
        assert declared.status_code == 201
        assert _send(phone, one, photo_id, 0, data[:CHUNK]).json()["offset"] == CHUNK

        # the connection drops; the phone's next request reaches server 2, which must know the
        # bytes server 1 kept (a filesystem store knows none: it would make the phone start over)
        state = phone.get(f"{two}/api/v1/photos/{photo_id}", timeout=30).json()
        assert state["offset"] == (CHUNK if shared_photos else 0)
        rest = two if shared_photos else one
        offset = CHUNK
        while offset < len(data):
            answer = _send(phone, rest, photo_id, offset, data[offset:offset + CHUNK])
            assert answer.status_code == 200, answer.text
            offset = answer.json()["offset"]
        assert answer.json()["complete"]

        # read back through server 2: the photo and its thumbnail
        file = phone.get(f"{two}/api/v1/photos/{photo_id}/file", timeout=30)
        thumbnail = phone.get(f"{two}/api/v1/photos/{photo_id}/thumbnail", timeout=30)
        if shared_photos:
            assert file.status_code == 200 and file.headers["Content-Type"] == "image/jpeg"
            assert file.content == phone.get(f"{one}/api/v1/photos/{photo_id}/file", timeout=30).content
            assert thumbnail.status_code == 200 and thumbnail.content[:2] == b"\xff\xd8"
        else:
            assert (file.status_code, thumbnail.status_code) == (404, 404)  # lost to server 2

        # the supervisor works on server 2: the visit's review page and the thumbnail it shows
        supervisor = _session()
        _sign_in(supervisor, two, app, "supa")
        page = supervisor.get(f"{two}/review/visits/{visit_id}", timeout=30)
        assert page.status_code == 200
        thumbnails = re.findall(r'src="(/api/v1/photos/[^"]+/thumbnail)"', page.text)
        assert thumbnails == [f"/api/v1/photos/{photo_id}/thumbnail"]
        shown = supervisor.get(f"{two}{thumbnails[0]}", timeout=30)
        assert shown.status_code == (200 if shared_photos else 404)
        # one SECRET_KEY: the session cookie server 2 signed is good on server 1 too
        assert supervisor.get(f"{one}/review/visits/{visit_id}", timeout=30, allow_redirects=False) \
            .status_code == 200

        if redis:
            # a second phone signs in through server 2: the count of sign-ins from this address
            # holds both servers' (one count in Redis, not one per server)
            assert _session().post(f"{two}/api/v1/tokens", timeout=30, json={
                "username": "cadre", "password": PASSWORD, "device_name": "tablet"}).status_code == 201
            counts = _limiter_counts(prefix, "tokens")
            assert counts == [2], counts
    if redis:
        # photos on local disk while the rate limits are shared (a sign of several servers): warned
        warned = "another app server behind the same address" in log_one.read_text()
        assert warned == (not shared_photos)


def _limiter_counts(prefix: str, endpoint: str) -> list[int]:
    """The values of Flask-Limiter's counters under ``prefix`` for ``endpoint`` (then removed)."""
    import redis

    client = redis.Redis(*REDIS)
    try:
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        counts = [int(client.get(key)) for key in keys if endpoint in key.decode()]
        if keys:
            client.delete(*keys)
        return counts
    finally:
        client.close()
