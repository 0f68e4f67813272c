"""Configuration: the only module that reads ``os.environ``."""

from __future__ import annotations

import os
import secrets
import shlex
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

# instance/ sits beside the server package: never committed, holds the SQLite file and the key.
INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"


def instance_path() -> Path:
    """The instance folder: ``DICOSO_INSTANCE_PATH`` when set (e.g. one per app server, or one
    outside a read-only release), else instance/ beside the server package."""
    return Path(os.environ.get("DICOSO_INSTANCE_PATH") or INSTANCE_PATH).resolve()


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name}={value!r}: must be one of {', '.join(choices)}")
    return value


def _gunicorn_workers() -> int | None:
    """The ``--workers`` (``-w``) of the gunicorn serving this process, from its command line or
    ``GUNICORN_CMD_ARGS``; None when not given there (a config file's setting is not seen)."""
    try:
        from gunicorn.config import Config
    except ImportError:  # pragma: no cover - gunicorn is a dependency
        return None
    parser = Config().parser()
    found = None
    # gunicorn gives its command line precedence over GUNICORN_CMD_ARGS: read that one last
    for argv in (shlex.split(os.environ.get("GUNICORN_CMD_ARGS", "")), sys.argv[1:]):
        try:
            args, _rest = parser.parse_known_args(argv)
        except SystemExit:  # an argument gunicorn itself would refuse
            continue
        found = args.workers if args.workers is not None else found
    return found


def _workers() -> int:
    """How many processes serve the app, for the rate-limit storage check (see README).

    ``DICOSO_WORKERS`` when set; else, under gunicorn, its ``--workers`` (command line or
    ``GUNICORN_CMD_ARGS``); else ``WEB_CONCURRENCY`` (gunicorn's default worker count, which the
    README's recipe sets); else 1."""
    explicit = os.environ.get("DICOSO_WORKERS")
    if explicit:
        return int(explicit)
    if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
        workers = _gunicorn_workers()
        if workers is not None:
            return workers
    return int(os.environ.get("WEB_CONCURRENCY") or 1)


def rate_limit_storage_problem(config: Mapping[str, Any]) -> str | None:
    """Why the rate-limit storage cannot serve this deployment, or None.

    Flask-Limiter's ``memory://`` storage counts in each process: with several workers every limit
    (requests, and the wrong passwords and codes of server/auth/throttle.py) is multiplied by their
    number, and a guesser's tries spread over them."""
    storage = str(config.get("RATELIMIT_STORAGE_URI", "memory://"))
    workers = int(config.get("WORKERS", 1))
    if workers > 1 and storage.startswith("memory://") and config.get("RATELIMIT_ENABLED", True):
        return (f"{workers} worker processes share no rate-limit counts in RATELIMIT_STORAGE_URI={storage}: "
                "every limit, wrong passwords included, would be multiplied by their number. Set "
                "RATELIMIT_STORAGE_URI=redis://HOST:6379/0 (shared by all workers), or serve with one "
                "worker (DICOSO_WORKERS=1).")
    return None


def photo_store_problem(config: Mapping[str, Any]) -> str | None:
    """Why the photo store cannot start, or None (server/photos/storage.py)."""
    from server.photos.storage import STORES

    store = config.get("PHOTO_STORE", "filesystem")
    if store not in STORES:
        return f"DICOSO_PHOTO_STORE={store!r}: must be one of {', '.join(STORES)}."
    if store == "s3" and not config.get("S3_BUCKET"):
        return "DICOSO_PHOTO_STORE=s3 needs a bucket: set DICOSO_S3_BUCKET."
    return None


def local_photos_warning(config: Mapping[str, Any]) -> str | None:
    """A warning when photos stay on this machine's disk although more than one process serves.

    Several workers on one machine share the folder, which is fine; but a deployment that counts
    its workers or shares its rate limits (Redis) may well have a second app server, which would
    not see this one's photos (docs/deployment.md). Not refused: that cannot be told from here."""
    if config.get("PHOTO_STORE", "filesystem") != "filesystem":
        return None
    workers = int(config.get("WORKERS", 1))
    shared_limits = not str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://")
    if workers <= 1 and not shared_limits:
        return None
    return (f"photos are kept on this machine's disk (PHOTOS_DIR={config.get('PHOTOS_DIR')}): fine for "
            "the workers of one machine, but another app server behind the same address would not "
            "find them (404). With several app servers set DICOSO_PHOTO_STORE=database or "
            "DICOSO_PHOTO_STORE=s3 (docs/deployment.md), or mount one folder on every server.")


def from_environment(instance_path: Path = INSTANCE_PATH) -> dict:
    """Build the Flask config mapping from environment variables with safe defaults."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'dicoso.sqlite3'}"
    # Heroku-style URLs name the driver "postgres"; we speak psycopg 3.
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    https = _bool("DICOSO_HTTPS")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # test a pooled connection before use: after a database restart (or connections the server
        # or a firewall dropped) the next request of every worker drew a dead connection from its
        # pool and answered 500, however long after the restart (found by bench/soak.py)
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        # __Host-: the browser keeps such a cookie only if Secure, for this host, on path / (no
        # sibling subdomain can plant or read it); plain http cannot set it, hence only under HTTPS
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "REMEMBER_COOKIE_NAME": "__Host-remember_token" if https else "remember_token",
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        # HSTS (sent under HTTPS) covers subdomains too; 0 for a domain whose other hosts still
        # serve plain HTTP
        "HSTS_INCLUDE_SUBDOMAINS": _bool("DICOSO_HSTS_INCLUDE_SUBDOMAINS", True),
        # The cookie is sent again only when the session changes. Sent on every answer, an answer to
        # a request that began before signing out (a page the service worker refreshes, a sync)
        # put the signed-in cookie back and took the sign-out's message with it; the session's life
        # is kept on the server (auth.services.load_web_session), not in the cookie's expiry.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A form's token is good for the whole session (a new secret at every sign-in), not for an
        # hour: a page opened from the service worker's cache carries the token it was stored with.
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(os.environ.get("DICOSO_SESSION_DAYS", "14"))),
        "DEVICE_TOKEN_DAYS": int(os.environ.get("DICOSO_DEVICE_TOKEN_DAYS", "180")),
        # unused for this long, a web session or a device token ends before its lifetime is up
        "SESSION_IDLE": timedelta(hours=float(os.environ.get("DICOSO_SESSION_IDLE_HOURS", "72"))),
        "DEVICE_TOKEN_IDLE": timedelta(days=float(os.environ.get("DICOSO_DEVICE_TOKEN_IDLE_DAYS", "60"))),
        # roles that must sign in with a second factor (TOTP); others may choose to. Supervisors too:
        # they read and export every visit of their units (``make run`` relaxes it for the demo)
        "TWO_FACTOR_ROLES": tuple(r.strip() for r in os.environ.get("DICOSO_TWO_FACTOR_ROLES",
                                                                    "admin,supervisor").split(",")
                                  if r.strip()),
        # between a right password and the code: after this long, start again with the password
        "TWO_FACTOR_PENDING": timedelta(minutes=float(os.environ.get("DICOSO_TWO_FACTOR_MINUTES", "5"))),
        # how many reverse proxies stand in front of the app: X-Forwarded-For/-Proto are believed
        # from that many hops and no more (0: ignored, the peer's address is the client's)
        "PROXIES": int(os.environ.get("DICOSO_PROXIES", "0")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # keys in that storage start with it: two deployments (or test runs) on one Redis count apart
        "RATELIMIT_KEY_PREFIX": os.environ.get("DICOSO_RATELIMIT_KEY_PREFIX", ""),
        # processes serving the app: with more than one, memory:// rate limits refuse to start
        "WORKERS": _workers(),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Photos on a visit (server/photos): where their bytes live, and the limits a photo and a
        # visit must respect. PHOTO_STORE: "filesystem" (PHOTOS_DIR, one machine), "database" (the
        # app's database) or "s3" (a bucket; credentials from boto3's usual AWS_* variables or
        # files); the last two are shared by several app servers (docs/deployment.md).
        "PHOTO_STORE": os.environ.get("DICOSO_PHOTO_STORE", "filesystem").strip().lower(),
        "PHOTOS_DIR": os.environ.get("DICOSO_PHOTOS_DIR") or str(instance_path / "photos"),
        "S3_BUCKET": os.environ.get("DICOSO_S3_BUCKET", ""),
        "S3_PREFIX": os.environ.get("DICOSO_S3_PREFIX", "photos/"),
        # for an S3-compatible service other than AWS (MinIO, Ceph, Garage…): its URL
        "S3_ENDPOINT_URL": os.environ.get("DICOSO_S3_ENDPOINT_URL") or None,
        "S3_REGION": os.environ.get("DICOSO_S3_REGION") or None,
        "MAX_PHOTO_BYTES": int(os.environ.get("DICOSO_MAX_PHOTO_BYTES", str(5 * 1024 * 1024))),
        "MAX_PHOTOS_PER_VISIT": int(os.environ.get("DICOSO_MAX_PHOTOS_PER_VISIT", "10")),
        # a decompression bomb is a small file of huge dimensions: refused before it is decoded
        "MAX_PHOTO_PIXELS": int(os.environ.get("DICOSO_MAX_PHOTO_PIXELS", str(40_000_000))),
        # Report exports (server/exports): past EXPORT_DIRECT_ROWS rows an export is a background
        # job run by EXPORT_QUEUE: "thread" (one machine), "rq" (RQ on RQ_REDIS_URL, with
        # `flask exports worker` running; for several app servers) or "eager" (tests); its file is
        # kept in the database for EXPORT_KEEP_HOURS
        "EXPORT_QUEUE": _choice("DICOSO_EXPORT_QUEUE", ("thread", "rq", "eager"), "thread"),
        "RQ_REDIS_URL": os.environ.get("RQ_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "RQ_QUEUE": os.environ.get("DICOSO_RQ_QUEUE", "dicoso-exports"),
        "EXPORT_DIRECT_ROWS": int(os.environ.get("DICOSO_EXPORT_DIRECT_ROWS", "5000")),
        "EXPORT_KEEP_HOURS": float(os.environ.get("DICOSO_EXPORT_KEEP_HOURS", "24")),
        # the longest an RQ worker lets one export run before stopping it (a million rows: minutes)
        "EXPORT_TIMEOUT": int(os.environ.get("DICOSO_EXPORT_TIMEOUT", "3600")),
        # a hearing's .docx report of more cadres than this is written by an export job too (a
        # province's 4,778 cadres take about a minute, past the app server's timeout; 183 take 1.7 s)
        "HEARING_DOCX_DIRECT_CADRES": int(os.environ.get("DICOSO_HEARING_DOCX_DIRECT_CADRES", "300")),
        # Pages, scripts and JSON are sent compressed: the visit form must load over GPRS.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "application/json", "application/manifest+json", "image/svg+xml"],
    }
