"""``flask backup`` copies a live SQLite database consistently while another connection writes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from server.backup import backup_sqlite
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="the SQLite online backup")


def test_backup_while_writes_go_on_then_restore(app, runner, database_url, tmp_path, world):
    source = Path(make_url(database_url).database)
    writer = sqlite3.connect(source, timeout=30, isolation_level=None, check_same_thread=False)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE soak (n INTEGER PRIMARY KEY, pad TEXT)")
    stop = threading.Event()
    written = []

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            # each transaction inserts a pair: a consistent copy holds only whole pairs
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO soak VALUES (?, ?)", (2 * n, "x" * 500))
            writer.execute("INSERT INTO soak VALUES (?, ?)", (2 * n + 1, "y" * 500))
            writer.execute("COMMIT")
            written.append(n)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for _ in range(3000):  # at most 30 s
            if len(written) >= 200 or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        assert len(written) >= 200
        target = tmp_path / "copy.sqlite3"
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        thread.join()
        writer.close()
    copy = sqlite3.connect(target)
    rows = copy.execute("SELECT count(*) FROM soak").fetchone()[0]
    assert rows > 0 and rows % 2 == 0
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM users WHERE username = 'cadre'").fetchone()[0] == 1
    copy.close()
    # restore as documented: stop the server, put the copy in place, start again
    restored = tmp_path / "restored.sqlite3"
    target.replace(restored)
    restored_app_url = f"sqlite:///{restored}"
    from server import create_app
    from tests.conftest import BASE_CONFIG

    restored_app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": restored_app_url})
    client = restored_app.test_client()
    from tests.conftest import AuthActions

    assert AuthActions(client).sign_in("cadre").status_code == 302


def test_backup_refuses_postgres_urls(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x")])
    assert result.exit_code != 0 and "pg_dump" in result.output


def test_backup_function_replaces_the_target_atomically(tmp_path):
    source = tmp_path / "a.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    target = tmp_path / "b.sqlite3"
    target.write_text("old")
    backup_sqlite(source, target)
    assert sqlite3.connect(target).execute("SELECT x FROM t").fetchone() == (1,)
    assert not (tmp_path / "b.sqlite3.partial").exists()
