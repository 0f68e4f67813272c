"""Several workers never count limits apart: with more than one worker process and the in-memory
rate-limit storage (every limit multiplied by the number of workers), the app refuses to start."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from server import create_app
from server.config import from_environment
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def environment(monkeypatch):
    for name in ("DICOSO_WORKERS", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "SERVER_SOFTWARE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _production(database_url: str, **config):
    return create_app({**BASE_CONFIG, "TESTING": False, "DEBUG": False, "RATELIMIT_ENABLED": True,
                       "SQLALCHEMY_DATABASE_URI": database_url, **config})


def test_several_workers_on_memory_storage_refuse_to_start(database_url):
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI=redis://"):
        _production(database_url, WORKERS=4, RATELIMIT_STORAGE_URI="memory://")


def test_one_worker_or_a_shared_storage_starts(database_url):
    assert _production(database_url, WORKERS=1, RATELIMIT_STORAGE_URI="memory://")
    # Redis is only reached at the first count: starting needs no server
    assert _production(database_url, WORKERS=4, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")


def test_tests_and_debugging_only_warn(database_url, caplog):
    app = create_app({**BASE_CONFIG, "RATELIMIT_ENABLED": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "WORKERS": 4, "RATELIMIT_STORAGE_URI": "memory://"})
    assert app.testing
    assert "multiplied" in caplog.text


def test_the_worker_count_is_read_where_gunicorn_reads_it(environment, tmp_path):
    assert from_environment(tmp_path)["WORKERS"] == 1
    environment.setenv("WEB_CONCURRENCY", "3")  # gunicorn's default --workers
    assert from_environment(tmp_path)["WORKERS"] == 3
    environment.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")  # served by gunicorn: its command line
    environment.setattr(sys, "argv", ["gunicorn", "-w", "4", "--bind", "127.0.0.1:8000", "wsgi:app"])
    assert from_environment(tmp_path)["WORKERS"] == 4
    environment.setenv("GUNICORN_CMD_ARGS", "--workers 6")  # the command line wins over it
    assert from_environment(tmp_path)["WORKERS"] == 4
    environment.setattr(sys, "argv", ["gunicorn", "wsgi:app"])
    assert from_environment(tmp_path)["WORKERS"] == 6
    environment.setenv("DICOSO_WORKERS", "2")  # said outright: believed
    assert from_environment(tmp_path)["WORKERS"] == 2


def test_the_readme_recipe_shares_the_counts_in_redis():
    readme = (ROOT / "README.md").read_text()
    recipe = readme.split("## Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert re.search(r"^export RATELIMIT_STORAGE_URI=redis://", recipe, re.M), recipe
    workers = re.search(r"^export WEB_CONCURRENCY=(\d+)", recipe, re.M)
    assert workers and int(workers.group(1)) > 1
    assert "gunicorn" in recipe and "--workers" not in recipe  # one number, read by both


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_with_four_workers_and_memory_storage_does_not_serve(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("no gunicorn")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": "x",
           "RATELIMIT_STORAGE_URI": "memory://", "PYTHONPATH": str(ROOT)}
    for name in ("DICOSO_WORKERS", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    done = subprocess.run([str(gunicorn), "--workers", "4", "--bind", f"127.0.0.1:{_free_port()}",
                           "--chdir", str(ROOT), "wsgi:app"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "RATELIMIT_STORAGE_URI=redis://" in done.stderr, done.stderr[-3000:]
