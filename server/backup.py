"""``flask backup``: a consistent copy of the live database while the app keeps writing.

SQLite: the online backup API (``sqlite3.Connection.backup``) in one step: in WAL mode the step
reads one snapshot (one committed state, WAL included) while writers go on. (Copying in small steps
would restart whenever another connection writes, and under steady writes never finish.)
PostgreSQL: use ``pg_dump`` (docs/reliability.md); this command says so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` into ``target`` (replaced) while others write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=-1)  # one step, one snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one file, ready to use
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise click.ClickException(f"the copy failed its integrity check: {check}")
    finally:
        dst.close()
        src.close()
    partial.replace(target)  # a crash mid-copy never leaves a half file under the real name


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(target: Path) -> None:
    """Write a consistent copy of the SQLite database to TARGET while the server runs."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.UsageError("on PostgreSQL use pg_dump -Fc (see docs/reliability.md)")
    source = Path(url.database or "")
    if not source.is_file():
        raise click.UsageError(f"no database file at {source}")
    backup_sqlite(source, target)
    click.echo(f"Backed up {source} to {target} ({target.stat().st_size:,} bytes).")
