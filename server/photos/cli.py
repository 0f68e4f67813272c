"""``flask photos``: forget uploads that stopped long ago (their rows and partial files); copy the
photos kept on disk into the store a deployment of several app servers uses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from server.extensions import db
from server.photos import services
from server.photos.models import Photo
from server.photos.storage import photo_store
from server.photos.stores.filesystem import FilesystemStore
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


@photos_cli.command("copy-from-disk")
@click.option("--from", "source", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="The folder the filesystem store used (default: PHOTOS_DIR).")
@with_appcontext
def copy_from_disk(source: Path | None) -> None:
    """Copy every finished photo kept on disk into the configured store (DICOSO_PHOTO_STORE).

    Switching a running deployment from the filesystem store to the database or S3 would otherwise
    leave its photos where the new store does not look. Photos the store has already are skipped,
    so it can run again (after an interruption, or once more after the switch). Uploads still in
    progress are not copied: the phone is told to start them again and does."""
    store = photo_store()
    if isinstance(store, FilesystemStore):
        raise click.UsageError("DICOSO_PHOTO_STORE is filesystem: set the store to copy the photos into")
    disk = FilesystemStore(source or current_app.config["PHOTOS_DIR"])
    ids = db.session.scalars(select(Photo.id).where(Photo.complete.is_(True)).order_by(Photo.id)).all()
    copied = present = missing = 0
    for photo_id in ids:
        if (kept := store.open(photo_id, "file")) is not None:
            kept.close()
            present += 1
            continue
        file, thumbnail = disk.open(photo_id, "file"), disk.open(photo_id, "thumbnail")
        if file is None or thumbnail is None:
            missing += 1
            continue
        with file, thumbnail:
            store.finish(photo_id, file.read(), thumbnail.read())
        db.session.commit()  # one photo at a time: an interrupted copy keeps what it did
        copied += 1
    click.echo(f"{copied} photo(s) copied, {present} already there, {missing} missing on disk")
    if missing:
        raise click.ClickException(f"{missing} finished photo(s) have no file under {disk.root}")
