"""Soak test of the sync API under crashes: every visit must arrive exactly once, at its latest version.

    .venv/bin/python bench/soak.py --db sqlite
    .venv/bin/python bench/soak.py --db postgres      # restarts the local PostgreSQL server once!

Run by hand (it is not part of the test suite), bounded in time (--max-seconds) and in count
(--devices × --visits), on 127.0.0.1 only. It:

1. creates its own database (SQLite: a temporary file in WAL mode; PostgreSQL: a fresh database on
   --pg-url's server, dropped at the end), migrates it and creates one cadre per device with the
   app's own code;
2. starts gunicorn (3 sync workers by default) on a free loopback port, with an access log that
   names each request (the X-Soak-Id header), and signs every device in (POST /api/v1/tokens);
3. runs one thread per simulated device. Each records its visits over about 3/4 of --min-seconds
   and edits some of them (a new version from the one the server acknowledged: base_version),
   pushing batches of 1–10 visits, some gzip-compressed, and pulls now and then. Faults, at random:
   a connection cut while the body is being sent, a request sent whole and the socket closed before
   the answer (the server may or may not have applied it: the device cannot know), a pull whose
   answer is read only in part, the same batch pushed again right after its answer (the ids
   already stored must come back ``unchanged``). After a failure (cut, refused or reset connection,
   5xx) the device pushes the same visits again, with exponential backoff;
4. SIGKILLs a gunicorn worker (not the master; preferably one serving a request) --kills times,
   at least --kill-gap seconds apart, and on PostgreSQL restarts the server once
   (``pg_ctlcluster --skip-systemctl-redirect <version> main restart``), waiting until it is back
   (``--pg-fault terminate`` ends only the soak database's connections instead: the same for the
   app, harmless to anyone else using the server);
5. when --min-seconds have passed and the faults are over, each device sends what it still holds
   and pulls all its visits from cursor 0; then gunicorn stops and the script checks, reading the
   database itself: every visit a device holds exists exactly once, owned by its cadre, at the
   version the device was last told and with the device's latest content; no other visit exists;
   each visit's audit trail has exactly one entry per version 1..n (no change applied twice); change
   numbers are unique; SQLite passes ``PRAGMA integrity_check``. It counts 5xx answers (seen by the
   devices, and in gunicorn's access log, where a cut connection's answer still shows) by time:
   inside a kill or restart window they are allowed, outside there must be none; and it greps
   gunicorn's log for "database is locked" and for unhandled errors.

Prints a summary; exits 1 on any violation. Rate limits are off in the server it starts (one
loopback address for 50 devices would hit the per-address limits; they are not what is tested).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import vi_text  # noqa: E402

PASSWORD = "soak-device-password-7319"
VIETNAM = timezone(timedelta(hours=7))
ACCEPTED = ("created", "updated", "unchanged")
#: the fields of a visit the soak compares (what the cadre reported)
CONTENT = ("unit_id", "start_date", "end_date", "form", "topics", "summary", "findings",
           "recommendations", "participants", "location")
#: a 5xx is excused when its request overlaps a fault window widened by this much (seconds)
WINDOW_MARGIN = 2.0


class Clock:
    """Seconds since the devices started; ``at`` turns a wall-clock time (a log's) into the same."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.wall = time.time()

    def now(self) -> float:
        return time.monotonic() - self.start

    def at(self, wall: float) -> float:
        return wall - self.wall


@dataclass
class Request:
    rid: str
    kind: str  # push, pull, token, replay
    mode: str  # normal, cut_body, cut_answer, cut_read, cut_before
    t0: float
    t1: float = 0.0
    status: int | None = None
    error: str | None = None


@dataclass
class Window:
    what: str
    t0: float
    t1: float


@dataclass
class Local:
    """A visit as the device holds it."""

    id: str
    content: dict
    version: int | None = None  # the last version the server acknowledged
    pending: bool = True  # changed since the server last acknowledged it
    sent: set[str] = field(default_factory=set)  # every content pushed (canonical), for sanity checks


def canonical(visit: dict) -> str:
    """The reported content of a visit (device copy or server copy) as a comparable string."""
    body = {name: visit.get(name) for name in CONTENT}
    body["topics"] = sorted(body["topics"] or [])
    if body["location"]:
        body["location"] = {k: round(v, 6) if v is not None else None for k, v in body["location"].items()}
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


class Shared:
    """What the devices, the fault thread and the main thread share."""

    def __init__(self, args: argparse.Namespace, port: int, unit_id: int, topics: list[int]) -> None:
        self.args = args
        self.port = port
        self.unit_id = unit_id
        self.topics = topics
        self.clock = Clock()
        self.requests: list[Request] = []
        self.windows: list[Window] = []
        self.violations: list[str] = []
        self.stop = threading.Event()  # faults are over and --min-seconds passed: finish up
        self.abort = threading.Event()  # --max-seconds passed: give up
        self.lock = threading.Lock()

    def violation(self, message: str) -> None:
        with self.lock:
            self.violations.append(message)
        print(f"  VIOLATION at {self.clock.now():.1f}s: {message}", flush=True)


# -- HTTP, whole or cut ------------------------------------------------------------------------------


class Cut(Exception):
    """The device cut the connection itself: no answer to read."""


def send(shared: Shared, req: Request, method: str, path: str, body: bytes | None,
         headers: dict[str, str], rng: random.Random) -> tuple[int, bytes]:
    """One request on a fresh connection; records it in ``shared.requests``.

    ``req.mode`` other than normal: a raw socket, cut where the mode says, and ``Cut`` raised.
    """
    headers = {**headers, "X-Soak-Id": req.rid, "Host": f"127.0.0.1:{shared.port}"}
    shared.requests.append(req)
    try:
        if req.mode == "normal":
            conn = http.client.HTTPConnection("127.0.0.1", shared.port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                req.status = response.status
                return response.status, data
            finally:
                conn.close()
        _cut(shared.port, req.mode, method, path, body or b"", headers, rng)
        raise Cut()
    except (OSError, http.client.HTTPException) as error:
        req.error = type(error).__name__
        raise
    finally:
        req.t1 = shared.clock.now()


def _cut(port: int, mode: str, method: str, path: str, body: bytes, headers: dict[str, str],
         rng: random.Random) -> None:
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    raw = (head + "Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        if rng.random() < 0.3:  # an abortive close (RST) rather than a FIN, as a phone losing signal
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        if mode == "cut_body":  # part of the body, then gone
            sock.sendall(raw + body[:rng.randrange(max(len(body), 1))])
            time.sleep(rng.uniform(0, 0.05))
        elif mode in ("cut_answer", "cut_before"):  # all of it, then gone before the answer
            sock.sendall(raw + body)
            time.sleep(rng.uniform(0, 0.2))
        elif mode == "cut_read":  # the start of the answer only
            sock.sendall(raw + body)
            sock.recv(rng.randint(1, 300))


# -- a device --------------------------------------------------------------------------------------


class Device(threading.Thread):
    def __init__(self, shared: Shared, number: int, token: str, user_id: int) -> None:
        super().__init__(name=f"device-{number}", daemon=True)
        self.shared, self.number, self.token, self.user_id = shared, number, token, user_id
        self.rng = random.Random(shared.args.seed * 1000 + number)
        self.device_id = f"soak-phone-{number:02d}"
        self.visits: dict[str, Local] = {}
        self.cursor = 0
        self.sequence = 0
        self.failures = 0  # in a row, for the backoff
        self.retry_ids: list[str] = []  # the batch to push again after a failure
        self.stats: Counter[str] = Counter()
        span = max(shared.args.min_seconds * 0.75, 1.0)
        self.creations = sorted(self.rng.uniform(0, span) for _ in range(shared.args.visits))
        edits = int(shared.args.visits * shared.args.edit_share)
        self.edits = sorted(self.rng.uniform(0.1 * span, 1.3 * span) for _ in range(edits))
        self.next_pull = self.rng.uniform(2, 8)
        self.final_ok = False

    # the device's own data

    def _new_visit(self) -> None:
        rng = self.rng
        start = date.today() - timedelta(days=rng.randint(3, 200))
        content = {
            "unit_id": self.shared.unit_id, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=rng.choice((0, 0, 0, 1, 2)))).isoformat(),
            "form": rng.choice(("survey", "activity", "inspection", "meeting")),
            "topics": rng.sample(self.shared.topics, rng.randint(1, len(self.shared.topics))),
            **vi_text.report(rng), "participants": rng.randint(3, 120), "placement_id": None,
            "location": rng.choice((None, {"lat": round(rng.uniform(21.5, 23.0), 5),
                                           "lon": round(rng.uniform(105.5, 107.0), 5),
                                           "accuracy_m": float(rng.randint(5, 60))})),
        }
        key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.visits[key] = Local(key, self._touch(content))
        self.stats["created_locally"] += 1

    def _edit(self) -> None:
        visit = self.visits[self.rng.choice(list(self.visits))]
        content = dict(visit.content)
        content["findings"] = (content["findings"] + " " + vi_text.finding(self.rng))[-4000:]
        content["participants"] = (content["participants"] + self.rng.randint(1, 9)) % 100_000
        if self.rng.random() < 0.3:
            topics = self.shared.topics
            content["topics"] = self.rng.sample(topics, self.rng.randint(1, len(topics)))
        visit.content = self._touch(content)
        visit.pending = True
        self.stats["edits"] += 1

    @staticmethod
    def _touch(content: dict) -> dict:
        return {**content, "client_updated_at": datetime.now(VIETNAM).isoformat(timespec="seconds")}

    def _wire(self, visit: Local) -> dict:
        return {"id": visit.id, "base_version": visit.version, **visit.content}

    def _request(self, kind: str, mode: str) -> Request:
        self.sequence += 1
        return Request(f"d{self.number:02d}-{self.sequence}", kind, mode, self.shared.clock.now())

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept-Encoding": "gzip"}

    def _backoff(self) -> None:
        self.failures += 1
        self.stats["backoffs"] += 1
        time.sleep(min(5.0, 0.2 * 2 ** min(self.failures, 6)) * self.rng.uniform(0.5, 1.5))

    # push

    def push(self, final: bool = False) -> None:
        rng = self.rng
        pending = [key for key, visit in self.visits.items() if visit.pending]
        ids = [key for key in self.retry_ids if self.visits[key].pending] or \
            rng.sample(pending, min(len(pending), rng.randint(1, 10)))
        retry = bool(self.retry_ids)
        self.retry_ids = []
        items = [self._wire(self.visits[key]) for key in ids]
        for item in items:
            self.visits[item["id"]].sent.add(canonical(item))
        body = json.dumps({"device_id": self.device_id, "visits": items}, ensure_ascii=False).encode()
        headers = {**self._headers(), "Content-Type": "application/json"}
        if rng.random() < 0.5:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        roll = rng.random()
        mode = "normal" if final else "cut_body" if roll < 0.06 else "cut_answer" if roll < 0.13 else "normal"
        self.stats["push_retries" if retry else "pushes"] += 1
        req = self._request("push", mode)
        try:
            status, data = send(self.shared, req, "POST", "/api/v1/sync/push", body, headers, rng)
        except Cut:
            self.stats[mode] += 1
            self.retry_ids = ids
            time.sleep(rng.uniform(0.05, 0.5))
            return
        except (OSError, http.client.HTTPException):
            self.stats["connection_errors"] += 1
            self.retry_ids = ids
            self._backoff()
            return
        if status != 200:
            self.stats[f"http_{status}"] += 1
            if status < 500:
                self.shared.violation(f"{req.rid}: push answered {status}: {data[:200]!r}")
            self.retry_ids = ids
            self._backoff()
            return
        self.failures = 0
        results = json.loads(data)["results"]
        self._apply(items, results)
        if not final and rng.random() < 0.08:
            self._replay(body, headers, items, results)

    def _apply(self, items: list[dict], results: list[dict]) -> None:
        if [r["id"] for r in results] != [item["id"] for item in items]:
            self.shared.violation(f"{self.device_id}: results do not match the batch")
            return
        for item, result in zip(items, results, strict=True):
            visit = self.visits[item["id"]]
            status = result["status"]
            self.stats[f"result_{status}"] += 1
            if status in ACCEPTED:
                if visit.version is not None and result["version"] < visit.version:
                    self.shared.violation(f"{visit.id}: version went back "
                                          f"{visit.version} → {result['version']}")
                visit.version = result["version"]
                if canonical(item) == canonical(visit.content):
                    visit.pending = False
            elif status == "conflict":
                # a push the device never heard back from was applied: adopt the server's version,
                # keep the device's newer content and push it again
                server = result["server"]
                if canonical(server) not in visit.sent:
                    self.shared.violation(f"{visit.id}: the server holds content this device never sent")
                visit.version = server["version"]
            else:
                self.shared.violation(f"{visit.id}: {status} {result.get('errors')}")
                visit.pending = False

    def _replay(self, body: bytes, headers: dict[str, str], items: list[dict], first: list[dict]) -> None:
        """The same body again right after its answer: what was stored comes back unchanged."""
        self.stats["replays"] += 1
        req = self._request("replay", "normal")
        try:
            status, data = send(self.shared, req, "POST", "/api/v1/sync/push", body, headers, self.rng)
        except (OSError, http.client.HTTPException):
            self.stats["connection_errors"] += 1
            return
        if status != 200:
            self.stats[f"http_{status}"] += 1
            if status < 500:
                self.shared.violation(f"{req.rid}: replay answered {status}")
            return
        for before, after in zip(first, json.loads(data)["results"], strict=True):
            if before["status"] in ACCEPTED and (after["status"], after["version"]) != ("unchanged",
                                                                                      before["version"]):
                self.shared.violation(f"{before['id']}: replay gave {after['status']} v{after['version']}, "
                                      f"first {before['status']} v{before['version']}")

    # pull

    def pull(self, mode: str | None = None) -> None:
        rng = self.rng
        if mode is None:
            roll = rng.random()
            mode = "cut_read" if roll < 0.08 else "cut_before" if roll < 0.12 else "normal"
        for _ in range(20):
            path = f"/api/v1/sync/pull?since={self.cursor}&limit={rng.randint(20, 100)}"
            req = self._request("pull", mode)
            self.stats["pulls"] += 1
            try:
                status, data = send(self.shared, req, "GET", path, None, self._headers(), rng)
            except Cut:
                self.stats[mode] += 1
                return
            except (OSError, http.client.HTTPException):
                self.stats["connection_errors"] += 1
                self._backoff()
                return
            if status != 200:
                self.stats[f"http_{status}"] += 1
                if status < 500:
                    self.shared.violation(f"{req.rid}: pull answered {status}")
                self._backoff()
                return
            self.failures = 0
            page = json.loads(data)
            for pulled in page["visits"]:
                self._learn(pulled)
            self.cursor = page["cursor"]
            if not page["more"]:
                return

    def _learn(self, pulled: dict) -> None:
        visit = self.visits.get(pulled["id"])
        if visit is None:
            self.shared.violation(f"{self.device_id} pulled a visit it never made: {pulled['id']}")
            return
        if visit.version is not None and pulled["version"] < visit.version:
            self.shared.violation(f"{visit.id}: pulled v{pulled['version']} "
                                  f"after v{visit.version} was acknowledged")
        if canonical(pulled) not in visit.sent:
            self.shared.violation(f"{visit.id}: pulled content this device never sent")
        if not visit.pending and pulled["version"] >= (visit.version or 0) \
                and canonical(pulled) != canonical(visit.content):
            self.shared.violation(f"{visit.id}: the server's v{pulled['version']} differs from the device's")

    # the device's life

    def run(self) -> None:
        try:
            self._work()
            self._finish()
        except Exception as error:  # a bug in the soak itself must not pass for a success
            self.shared.violation(f"{self.device_id} crashed: {error!r}")
            raise

    def _work(self) -> None:
        clock, shared = self.shared.clock, self.shared
        while not shared.abort.is_set():
            now = clock.now()
            while self.creations and self.creations[0] <= now:
                self.creations.pop(0)
                self._new_visit()
            while self.edits and self.edits[0] <= now and self.visits:
                self.edits.pop(0)
                self._edit()
            pending = any(visit.pending for visit in self.visits.values())
            if pending:
                self.push()
                if self.rng.random() < 0.1:
                    self.pull()
            elif now >= self.next_pull:
                self.pull()
                self.next_pull = now + self.rng.uniform(3, 10)
            elif not self.creations and not self.edits and shared.stop.is_set():
                return
            else:
                upcoming = [*self.creations[:1], *self.edits[:1], self.next_pull]
                time.sleep(max(0.02, min(0.5, min(upcoming) - now)))

    def _finish(self) -> None:
        """Send what is left, then walk every change from cursor 0: each visit once, as held."""
        while any(v.pending for v in self.visits.values()) and not self.shared.abort.is_set():
            self.push(final=True)
        seen: Counter[str] = Counter()
        cursor = 0
        while not self.shared.abort.is_set():
            req = self._request("pull", "normal")
            try:
                status, data = send(self.shared, req, "GET", f"/api/v1/sync/pull?since={cursor}&limit=500",
                                    None, self._headers(), self.rng)
            except (OSError, http.client.HTTPException):
                self._backoff()
                continue
            if status != 200:
                self._backoff()
                continue
            page = json.loads(data)
            for pulled in page["visits"]:
                seen[pulled["id"]] += 1
                visit = self.visits.get(pulled["id"])
                if visit is None:
                    self.shared.violation(f"{self.device_id}: final pull has a visit it never made")
                elif (pulled["version"], canonical(pulled)) != (visit.version, canonical(visit.content)):
                    same = canonical(pulled) == canonical(visit.content)
                    self.shared.violation(f"{visit.id}: final pull v{pulled['version']}, "
                                          f"device v{visit.version} (same content: {same})")
            cursor = page["cursor"]
            if not page["more"]:
                break
        twice = [key for key, count in seen.items() if count > 1]
        missing = set(self.visits) - set(seen)
        if twice or missing:
            self.shared.violation(f"{self.device_id}: final pull: {len(twice)} twice, {len(missing)} missing")
        self.final_ok = not twice and not missing and not self.shared.abort.is_set()


# -- the server and its faults ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, logs: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "soak-secret", "RATELIMIT_ENABLED": "0"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    out = (logs / "gunicorn.out").open("wb")
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30",
         "--no-control-socket",  # the default socket is one path in $HOME for every gunicorn
         "--access-logfile", str(logs / "access.log"),
         "--access-logformat", "%({x-soak-id}i)s %(s)s %(m)s %(U)s %(D)s %(t)s",
         "--error-logfile", str(logs / "error.log"), "--log-level", "info", "wsgi:app"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            conn.close()
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"gunicorn did not start; see {logs}") from None
            time.sleep(0.2)


def workers_of(master: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.add(int(entry.name))
    return found


def busy_workers(workers: set[int], port: int) -> list[int]:
    """Workers holding an established connection to our port: serving a request right now."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if int(parts[1].split(":")[1], 16) == port and parts[3] == "01":
            established.add(parts[9])
    busy = []
    for pid in workers:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in established):
            busy.append(pid)
    return busy


def kill_worker(shared: Shared, master: int) -> str:
    workers = workers_of(master)
    victim = None
    deadline = time.monotonic() + 3
    while victim is None and time.monotonic() < deadline:
        busy = busy_workers(workers, shared.port)
        victim = random.choice(busy) if busy else None
        time.sleep(0.005)
    mid_request = victim is not None
    victim = victim or random.choice(sorted(workers))
    t0 = shared.clock.now()
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the master has a new worker in its place
        now = workers_of(master)
        if victim not in now and len(now) >= len(workers):
            break
        time.sleep(0.1)
    shared.windows.append(Window(f"SIGKILL worker {victim}", t0, shared.clock.now() + 3))
    return f"killed worker {victim} at {t0:.1f}s ({'mid-request' if mid_request else 'idle'})"


def restart_postgres(shared: Shared, url: str) -> str:
    version = pg_version()
    t0 = shared.clock.now()
    done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        shared.violation(f"pg_ctlcluster restart failed: {done.stderr.strip()}")
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + 120
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            break
        except Exception:
            if time.monotonic() > deadline:
                shared.violation("PostgreSQL did not come back within 120 s")
                break
            time.sleep(0.2)
    engine.dispose()
    t1 = shared.clock.now()
    shared.windows.append(Window("PostgreSQL restart", t0, t1 + 3))
    return f"restarted PostgreSQL {version} at {t0:.1f}s, back after {t1 - t0:.1f}s"


def terminate_backends(shared: Shared, url: str) -> str:
    """End every connection to the soak's database (the app's pools hold them): what a restart
    does to the app, without touching other databases on the server."""
    database = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"), poolclass=NullPool)
    t0 = shared.clock.now()
    with engine.connect() as conn:
        ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"),
                             {"name": database}).scalar_one()
        conn.commit()
    engine.dispose()
    shared.windows.append(Window("PostgreSQL connections terminated", t0, shared.clock.now() + 3))
    return f"terminated {ended} connections to {database} at {t0:.1f}s"


def pg_version() -> str:
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        version, cluster, port = line.split()[:3]
        if cluster == "main" and port == "5432":
            return version
    raise RuntimeError("no PostgreSQL cluster 'main' on port 5432")


def faults(shared: Shared, master: int, url: str, events: list[str]) -> None:
    """Kill workers and restart PostgreSQL on schedule; then let --min-seconds run out."""
    args = shared.args
    first = max(10.0, 0.2 * args.min_seconds)
    gap = max(args.kill_gap, 0.35 * args.min_seconds)
    plan = [(first + n * gap, "kill") for n in range(args.kills)]
    if args.db == "postgres" and args.pg_fault != "none":
        plan.append((first + (args.kills - 1) * gap + max(20.0, 0.2 * args.min_seconds), args.pg_fault))
    for at, what in sorted(plan):
        while shared.clock.now() < at:
            if shared.abort.wait(0.2):
                return
        message = kill_worker(shared, master) if what == "kill" else \
            restart_postgres(shared, url) if what == "restart" else terminate_backends(shared, url)
        events.append(message)
        print(f"  {message}", flush=True)
    last = max((w.t1 for w in shared.windows), default=0.0)
    while shared.clock.now() < max(args.min_seconds, last + 5):
        if shared.abort.wait(0.2):
            return
    shared.stop.set()


# -- set-up and checks ------------------------------------------------------------------------------


def prepare(url: str, devices: int) -> tuple[int, list[int], list[str]]:
    """Migrate; add a province, a commune, topics and one cadre per device (the app's own code)."""
    from flask_migrate import upgrade

    from server import create_app
    from server.auth.models import Role
    from server.auth.services import create_user
    from server.extensions import db
    from server.units.models import UnitKind
    from server.units.services import create_unit
    from server.visits.models import Topic

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "soak", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        province = create_unit("Tỉnh đoàn Thử tải", UnitKind.PROVINCE, code="S")
        commune = create_unit("Đoàn xã Nà Pàn", UnitKind.COMMUNE, province, code="S-1")
        topics = [Topic(name_vi=f"Chủ đề {n}", name_en=f"Topic {n}") for n in range(1, 5)]
        db.session.add_all(topics)
        names = [f"soak{n:02d}" for n in range(devices)]
        for name in names:
            create_user(name, f"Cán Bộ Thử {name[-2:]}", PASSWORD, province, Role.CADRE)
        db.session.commit()
        result = commune.id, [t.id for t in topics], names
        db.engine.dispose()
    return result


def sign_in(shared: Shared, names: list[str]) -> list[tuple[str, int]]:
    """A device token per cadre, through POST /api/v1/tokens; and each cadre's id (bootstrap)."""
    out = []
    for n, name in enumerate(names):
        body = json.dumps({"username": name, "password": PASSWORD, "device_name": f"Điện thoại {n}"}).encode()
        req = Request(f"token-{n}", "token", "normal", shared.clock.now())
        status, data = send(shared, req, "POST", "/api/v1/tokens", body,
                            {"Content-Type": "application/json"}, random.Random())
        if status != 201:
            raise RuntimeError(f"sign-in of {name} answered {status}: {data[:200]!r}")
        token = json.loads(data)["token"]
        req = Request(f"boot-{n}", "bootstrap", "normal", shared.clock.now())
        status, data = send(shared, req, "GET", "/api/v1/bootstrap", None,
                            {"Authorization": f"Bearer {token}"}, random.Random())
        out.append((token, json.loads(data)["user"]["id"]))
    return out


def check_database(url: str, devices: list[Device]) -> list[str]:
    """Read the database itself: each visit once, at the device's version, with its content."""
    from sqlalchemy import func, select

    from server import create_app
    from server.audit.models import AuditEntry
    from server.extensions import db
    from server.visits import store
    from server.visits.wire import STORED_CONTENT, VisitIn, stored

    problems: list[str] = []
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "soak", "RATELIMIT_ENABLED": False})
    with app.app_context():
        table = store.TABLE
        rows, distinct = db.session.execute(select(func.count(), func.count(table.c.id.distinct()))).one()
        seqs = db.session.execute(select(func.count(table.c.change_seq.distinct()))).scalar_one()
        expected = sum(len(d.visits) for d in devices)
        if rows != expected or distinct != rows:
            problems.append(f"{rows} visit rows ({distinct} distinct ids), the devices hold {expected}")
        if seqs != rows:
            problems.append(f"{rows} visits but {seqs} distinct change numbers")
        trail: dict[str, list[int]] = {}
        created: Counter[str] = Counter()
        for entity_id, action, details in db.session.execute(
                select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.details)
                .where(AuditEntry.entity_type == "visit")):
            trail.setdefault(entity_id, []).append(details["version"])
            created[entity_id] += action == "visit_created"
        schema = VisitIn()
        wrong = Counter()
        for device in devices:
            copies = store.snapshots(uuid.UUID(key) for key in device.visits)
            for key, visit in device.visits.items():
                copy = copies.get(uuid.UUID(key))
                if copy is None:
                    wrong["missing"] += 1
                    continue
                want = stored(schema.load({"id": key, "base_version": visit.version, **visit.content}))
                if copy["cadre_id"] != device.user_id:
                    wrong["wrong owner"] += 1
                if copy["version"] != visit.version:
                    wrong["other version than the device was told"] += 1
                if any(copy[name] != want[name] for name in STORED_CONTENT):
                    wrong["other content than the device's latest"] += 1
                if sorted(trail.get(key, [])) != list(range(1, copy["version"] + 1)):
                    wrong["audit trail is not one entry per version"] += 1
                if created[key] != 1:
                    wrong["created other than once"] += 1
        problems += [f"{count} visits: {what}" for what, count in wrong.items()]
        if db.engine.dialect.name == "sqlite":
            verdict = db.session.execute(text("PRAGMA integrity_check")).scalar_one()
            if verdict != "ok":
                problems.append(f"SQLite integrity_check: {verdict}")
        db.session.rollback()
        db.engine.dispose()
    return problems


@dataclass
class Served:
    """One line of gunicorn's access log: when the server handled the request (second resolution)."""

    rid: str
    status: int
    t0: float
    t1: float


#: Flask's "Exception on …" (an unhandled error, answered 500) and gunicorn's own
#: "Error handling request" (an error in the error handling), each with its time
UNHANDLED = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)[^]]*\] (?:ERROR in app: Exception on|"
                       r"\[\d+\] \[ERROR\] Error handling request)", re.MULTILINE)


def read_logs(logs: Path, clock: Clock) -> tuple[list[Served], list[float], Counter[str]]:
    """gunicorn's access log, the times of unhandled errors, and what else the error log says.

    The access log's time is when a worker began the request, which for a request the device cut
    may be long after the device left (it waited in the listen queue): a 5xx is placed in time by
    the server's clock, not the device's."""
    served = []
    for line in (logs / "access.log").read_text(errors="replace").splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[1].isdigit():
            began = datetime.strptime(parts[5].strip("[]"), "%d/%b/%Y:%H:%M:%S %z").timestamp()
            served.append(Served(parts[0], int(parts[1]), clock.at(began),
                                 clock.at(began) + 1 + int(parts[4]) / 1e6))
    text_ = "\n".join((logs / name).read_text(errors="replace") for name in ("error.log", "gunicorn.out")
                      if (logs / name).exists())
    # (both loggers write local time)
    unhandled = [clock.at(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").timestamp())
                 for stamp in UNHANDLED.findall(text_)]
    said: Counter[str] = Counter()
    said["database is locked"] = text_.lower().count("database is locked")
    said["unhandled errors"] = len(unhandled)
    said["database unavailable (503)"] = text_.count("database unavailable on")
    said["worker timeouts"] = text_.count("WORKER TIMEOUT")
    said["workers killed (master's log)"] = text_.count("was sent SIGKILL")
    return served, unhandled, said


def in_window(t0: float, t1: float, windows: list[Window]) -> bool:
    return any(t0 <= w.t1 + WINDOW_MARGIN and t1 >= w.t0 - WINDOW_MARGIN for w in windows)


# -- main ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--visits", type=int, default=100, help="visits per device")
    parser.add_argument("--edit-share", type=float, default=0.4, help="edits per device, per visit")
    parser.add_argument("--min-seconds", type=float, default=120)
    parser.add_argument("--max-seconds", type=float, default=900, help="give up (and fail) after this")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--kill-gap", type=float, default=30)
    parser.add_argument("--pg-fault", choices=["restart", "terminate", "none"], default="restart",
                        help="restart: the PostgreSQL server (every database on it!); terminate: only "
                             "the soak database's connections (pg_terminate_backend), as a restart "
                             "looks to the app, without disturbing anyone else")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the logs (and the SQLite file)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dicoso-soak-"))
    scratch = admin = None
    if args.db == "sqlite":
        url = f"sqlite:///{work}/soak.sqlite3"
    else:
        server = make_url(args.pg_url)
        if server.host not in ("127.0.0.1", "localhost"):
            parser.error("the soak runs on 127.0.0.1 only")
        scratch = f"dicoso_soak_{uuid.uuid4().hex[:8]}"
        # no pool: a pooled connection would be dead after the restart, and the database never dropped
        admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        url = server.set(database=scratch).render_as_string(hide_password=False)
    process = None
    try:
        print(f"database: {args.db} ({url}); logs in {work}", flush=True)
        unit_id, topics, names = prepare(url, args.devices)
        if args.db == "sqlite":
            engine = create_engine(url)
            with engine.connect() as conn:  # the app's connect hook (server/db.py) sets WAL
                print(f"SQLite journal_mode: {conn.exec_driver_sql('PRAGMA journal_mode').scalar()}")
            engine.dispose()
        port = free_port()
        process = start_gunicorn(url, port, args.workers, work)
        shared = Shared(args, port, unit_id, topics)
        accounts = sign_in(shared, names)
        shared.clock = Clock()
        shared.requests.clear()
        devices = [Device(shared, n, token, user_id) for n, (token, user_id) in enumerate(accounts)]
        events: list[str] = []
        fault_thread = threading.Thread(target=faults, args=(shared, process.pid, url, events), daemon=True)
        print(f"gunicorn {process.pid} with {args.workers} workers on port {port}; "
              f"{args.devices} devices × {args.visits} visits", flush=True)
        for device in devices:
            device.start()
        fault_thread.start()
        last_report = 0.0
        while any(device.is_alive() for device in devices):
            time.sleep(0.5)
            now = shared.clock.now()
            if now > args.max_seconds:
                shared.abort.set()
                shared.violation(f"not finished after {args.max_seconds:.0f} s")
                break
            if now - last_report >= 15:
                last_report = now
                held = sum(len(d.visits) for d in devices)
                waiting = sum(v.pending for d in devices for v in d.visits.values())
                print(f"  {now:5.0f}s: {held} visits made, {waiting} waiting, "
                      f"{len(shared.requests)} requests", flush=True)
        for device in devices:
            device.join(30)
        duration = shared.clock.now()
        fault_thread.join(5)
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        process = None
        problems = check_database(url, devices)
        served, unhandled, said = read_logs(work, shared.clock)
        return report(args, shared, devices, events, problems, served, unhandled, said, duration)
    finally:
        if process is not None:
            process.kill()
            process.wait()
        if scratch and admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(args, shared: Shared, devices: list[Device], events: list[str], problems: list[str],
           served: list[Served], unhandled: list[float], said: Counter[str], duration: float) -> int:
    stats: Counter[str] = Counter()
    for device in devices:
        stats.update(device.stats)
    violations = list(shared.violations) + problems
    windows = shared.windows
    client_5xx = [r for r in shared.requests if r.status is not None and r.status >= 500]
    server_5xx = [s for s in served if s.status >= 500]
    logged = {s.rid for s in served}
    # placed in time by the server's log; a 5xx a device saw that the log lacks, by the device's clock
    all_5xx = [(s.rid, s.status, s.t0, s.t1) for s in server_5xx] + \
        [(r.rid, r.status, r.t0, r.t1) for r in client_5xx if r.rid not in logged]
    outside = [rid for rid, _, t0, t1 in all_5xx if not in_window(t0, t1, windows)]
    kinds = Counter(status for _, status, _, _ in all_5xx)
    errors_outside = [r for r in shared.requests if r.error and not in_window(r.t0, r.t1, windows)]
    unhandled_outside = [t for t in unhandled if not in_window(t, t + 1, windows)]
    if outside:
        violations.append(f"{len(outside)} 5xx outside the fault windows: {sorted(outside)[:10]}")
    if said["database is locked"]:
        violations.append(f"'database is locked' {said['database is locked']} times in gunicorn's log")
    if unhandled_outside:
        violations.append(f"{len(unhandled_outside)} unhandled errors in gunicorn's log outside the windows")
    if not all(device.final_ok for device in devices):
        violations.append("some device did not finish cleanly")
    kills = sum(1 for e in events if e.startswith("killed"))
    if kills < args.kills:
        violations.append(f"only {kills} workers killed")
    total = sum(len(d.visits) for d in devices)
    writes = stats["result_created"] + stats["result_updated"]
    print(f"\n== soak on {args.db}: {args.devices} devices × {args.visits} visits, {args.workers} workers ==")
    print(f"duration           {duration:.0f} s (min {args.min_seconds:.0f})")
    print(f"visits             {total} made, {stats['edits']} edits; "
          f"{stats['result_created']} created + {stats['result_updated']} updated acknowledged "
          f"= {writes / duration:.1f} visit writes/s")
    print(f"requests           {len(shared.requests)} ({len(shared.requests) / duration:.1f}/s): "
          f"{stats['pushes']} pushes, {stats['push_retries']} pushes of a batch again after a failure, "
          f"{stats['replays']} replays of an answered batch, {stats['pulls']} pulls")
    print(f"cut by the device  {stats['cut_body']} mid-body, {stats['cut_answer']} before the answer, "
          f"{stats['cut_read']} pulls read in part, {stats['cut_before']} pulls not read")
    print("results            " + ", ".join(f"{k[7:]} {v}" for k, v in sorted(stats.items())
                                             if k.startswith("result_")))
    print(f"failures seen      {stats['connection_errors']} connection errors "
          f"({len(errors_outside)} outside the windows), {stats['backoffs']} backoffs, "
          + ", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if k.startswith("http_")))
    for event in events:
        print(f"fault              {event}")
    for window in shared.windows:
        print(f"window             {window.what}: {window.t0:.1f}–{window.t1:.1f}s")
    print(f"5xx                {len(all_5xx) - len(outside)} inside the windows, {len(outside)} outside "
          f"(devices saw {len(client_5xx)}, access log {len(server_5xx)})"
          + "".join(f", {count} × {status}" for status, count in sorted(kinds.items())))
    print("gunicorn log       " + ", ".join(f"{k}: {v}" for k, v in said.items()))
    verdict = "EXACTLY ONCE: every visit once, at its latest version and content" if not problems else \
        "NOT exactly once"
    print(f"database           {verdict}")
    for violation in violations:
        print(f"VIOLATION          {violation}")
    print("PASS" if not violations else "FAIL")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
