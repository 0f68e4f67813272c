"""``flask photos prune``: forget uploads that stopped long ago (their rows and partial files)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from server.photos import services
from server.transaction import commits

photos_cli = AppGroup("photos", help="Photos on visits.")


@photos_cli.command("prune")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1),
              help="Forget photos declared this many days ago and still not complete.")
@commits
def prune(days: int) -> None:
    """A phone keeps a photo until the server has it all; one lost or reset may never come back.
    Its half-sent photo would hold a place among the visit's photos and its bytes on disk."""
    count = services.prune_pending(timedelta(days=days))
    click.echo(f"{count} unfinished photo(s) older than {days} days removed")
