"""The photo stores keep the same promises (server/photos/storage.py), each run on every store;
then what is particular to each: where the bytes go, and how a store is chosen."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.auth.models import User
from server.extensions import db
from server.photos import services
from server.photos.models import PhotoBlob, PhotoChunk
from server.photos.storage import make_store, photo_store
from tests.photos.support import jpeg, make_photo, partial_size, stored


@pytest.fixture
def photo_id(app, world, visit_id) -> uuid.UUID:
    """A photo declared on the visit, none of its bytes sent (database rows need their photo)."""
    from tests.photos.support import declaration

    body = declaration(jpeg(200, 100))
    with app.app_context():
        photo, _created = services.declare(db.session.get(User, world.cadre), uuid.UUID(visit_id), {
            **body, "id": uuid.UUID(body["id"]), "taken_at": _when()})
        db.session.commit()
        return photo.id


def _when():
    from datetime import UTC, datetime

    return datetime(2025, 8, 16, 2, 30, tzinfo=UTC)


def _partial(store, photo_id) -> bytes:
    with store.open_partial(photo_id) as file:
        return file.read()


def test_chunks_append_in_order_and_read_back_whole(app, photo_id):
    with app.app_context():
        store = photo_store()
        assert store.partial_size(photo_id) == 0
        assert store.append(photo_id, 0, b"abc") == 3
        assert store.append(photo_id, 3, b"defg") == 7
        assert store.partial_size(photo_id) == 7 and _partial(store, photo_id) == b"abcdefg"
        with pytest.raises(ValueError, match="shorter than 9"):
            store.append(photo_id, 9, b"x")  # a gap: never kept
        db.session.commit()
    assert partial_size(app, photo_id) == 7


def test_appending_at_an_earlier_offset_drops_what_was_kept_past_it(app, photo_id):
    """Whole chunks past the offset go, and so does the end of the chunk the offset falls in."""
    with app.app_context():
        store = photo_store()
        for offset, chunk in ((0, b"0123456789"), (10, b"abcdef"), (16, b"XYZ")):
            store.append(photo_id, offset, chunk)
        assert store.append(photo_id, 12, b"++") == 14  # within the second chunk
        assert _partial(store, photo_id) == b"0123456789ab++"
        assert store.append(photo_id, 4, b"-") == 5  # within the first: the others go whole
        assert _partial(store, photo_id) == b"0123-" and store.partial_size(photo_id) == 5
        assert store.append(photo_id, 5, b"!") == 6
        assert _partial(store, photo_id) == b"0123-!"


def test_finish_keeps_the_photo_and_its_thumbnail_and_drops_the_partial(app, photo_id):
    with app.app_context():
        store = photo_store()
        assert store.open(photo_id, "file") is None and store.open(photo_id, "thumbnail") is None
        store.append(photo_id, 0, b"partial bytes")
        store.finish(photo_id, b"the photo", b"the thumbnail")
        db.session.commit()
    assert stored(app, photo_id) == b"the photo" and stored(app, photo_id, "thumbnail") == b"the thumbnail"
    assert partial_size(app, photo_id) == 0
    with app.app_context():
        store = photo_store()
        store.append(photo_id, 0, b"again")
        store.discard_partial(photo_id)
        assert store.partial_size(photo_id) == 0
        store.delete(photo_id)
        store.delete(photo_id)  # nothing left: no error
        db.session.commit()
    assert stored(app, photo_id) is None and stored(app, photo_id, "thumbnail") is None


def test_a_removal_rolled_back_keeps_the_photo(app, world, visit_id):
    """Bytes go only with a committed removal: at commit (files, objects) or with it (rows)."""
    with app.app_context():
        kept = make_photo(world.cadre, visit_id)
        db.session.commit()
        services.remove(db.session.get(User, world.cadre), kept)
        db.session.rollback()
    assert stored(app, kept) is not None and stored(app, kept, "thumbnail") is not None
    with app.app_context():
        services.remove(db.session.get(User, world.cadre), kept)
        db.session.commit()
    assert stored(app, kept) is None and stored(app, kept, "thumbnail") is None


def test_a_chunk_rolled_back_goes_with_the_transaction_in_the_database_only(app, photo_id, store_name):
    """The database store writes in the request's transaction: a failed request leaves no bytes
    (the others keep them, and the next chunk cuts them off: test_resume.py)."""
    with app.app_context():
        store = photo_store()
        store.append(photo_id, 0, b"abc")
        db.session.rollback()
        assert store.transactional == (store_name == "database")
    assert partial_size(app, photo_id) == (0 if store_name == "database" else 3)


@pytest.mark.parametrize("store_name", ["database"])
def test_the_database_store_keeps_rows_that_go_with_their_photo(app, world, visit_id):
    with app.app_context():
        photo = make_photo(world.cadre, visit_id)
        db.session.commit()
        variants = db.session.scalars(select(PhotoBlob.variant).where(PhotoBlob.photo_id == photo))
        assert sorted(variants) == ["file", "thumbnail"]
        assert db.session.scalar(select(func.count()).select_from(PhotoChunk)) == 0
        other = make_photo(world.cadre, visit_id)
        db.session.commit()
        from server.photos.models import Photo

        # a photo's row deleted by any means (a visit removed, a hand-written DELETE) takes its bytes
        db.session.delete(db.session.get(Photo, other))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(PhotoBlob)
                                 .where(PhotoBlob.photo_id == other)) == 0
        assert db.session.scalar(select(func.count()).select_from(PhotoBlob)) == 2


@pytest.mark.parametrize("store_name", ["s3"])
def test_the_s3_store_keeps_objects_under_its_prefix(app, photo_id, s3_bucket):
    import boto3

    with app.app_context():
        store = photo_store()
        store.append(photo_id, 0, b"abc")
        store.append(photo_id, 3, b"def")
        client = boto3.client("s3", region_name="us-east-1")

        def keys() -> list[str]:
            return [item["Key"] for item in client.list_objects_v2(Bucket=s3_bucket).get("Contents", [])]

        assert keys() == [f"photos/{photo_id}.part/000000000000", f"photos/{photo_id}.part/000000000003"]
        # a part lost from the middle: only what precedes it counts, and the next append cuts the rest
        store.append(photo_id, 6, b"ghi")
        client.delete_object(Bucket=s3_bucket, Key=f"photos/{photo_id}.part/000000000003")
        assert store.partial_size(photo_id) == 3 and _partial(store, photo_id) == b"abc"
        assert store.append(photo_id, 3, b"DEF") == 6 and _partial(store, photo_id) == b"abcDEF"
        store.finish(photo_id, b"photo", b"thumb")
        assert sorted(keys()) == [f"photos/{photo_id}", f"photos/{photo_id}.thumb.jpg"]
        store.delete(photo_id)
        assert keys() == []


@pytest.mark.parametrize("store_name", ["s3"])
def test_the_s3_store_appends_nothing_after_parts_it_could_not_delete(app, photo_id, monkeypatch):
    with app.app_context():
        store = photo_store()
        store.append(photo_id, 0, b"abc")
        store.append(photo_id, 3, b"def")  # its request failed: the phone sends it again
        monkeypatch.setattr(store.client, "delete_objects", lambda **_kw: {
            "Errors": [{"Key": "the old part", "Message": "Access Denied"}]})
        with pytest.raises(OSError, match="did not delete the old part: Access Denied"):
            store.append(photo_id, 3, b"DEF")
        assert _partial(store, photo_id) == b"abcdef"


@pytest.mark.parametrize("store_name", ["database", "s3"])
def test_photos_kept_on_disk_are_copied_into_the_new_store(make_app, world, visit_id, tmp_path):
    before = make_app(PHOTO_STORE="filesystem")  # the same database and PHOTOS_DIR
    with before.app_context():
        photos = [make_photo(world.cadre, visit_id) for _n in range(2)]
        db.session.commit()
    on_disk = [stored(before, photo) for photo in photos]
    after = make_app()
    assert stored(after, photos[0]) is None  # switched: the new store does not have them
    runner = after.test_cli_runner()
    result = runner.invoke(args=["photos", "copy-from-disk"])
    assert result.exit_code == 0 and "2 photo(s) copied, 0 already there" in result.output, result.output
    assert [stored(after, photo) for photo in photos] == on_disk
    assert stored(after, photos[1], "thumbnail") == stored(before, photos[1], "thumbnail")
    again = runner.invoke(args=["photos", "copy-from-disk"])
    assert "0 photo(s) copied, 2 already there" in again.output
    empty = tmp_path / "empty"
    empty.mkdir()
    with before.app_context():
        third = make_photo(world.cadre, visit_id)  # on disk, but not in the folder named below
        db.session.commit()
    lost = runner.invoke(args=["photos", "copy-from-disk", "--from", str(empty)])
    assert lost.exit_code == 1 and "0 photo(s) copied, 2 already there, 1 missing" in lost.output
    assert f"have no file under {empty}" in lost.output
    assert runner.invoke(args=["photos", "copy-from-disk"]).exit_code == 0
    assert stored(after, third) == stored(before, third)


@pytest.mark.parametrize("store_name", ["filesystem"])
def test_copying_from_disk_needs_another_store(runner):
    result = runner.invoke(args=["photos", "copy-from-disk"])
    assert result.exit_code == 2 and "DICOSO_PHOTO_STORE is filesystem" in result.output


# -- choosing the store -------------------------------------------------------------------------

def test_the_configuration_chooses_the_store(tmp_path):
    from server.photos.stores.database import DatabaseStore
    from server.photos.stores.filesystem import FilesystemStore
    from server.photos.stores.s3 import S3Store

    assert isinstance(make_store({"PHOTOS_DIR": str(tmp_path)}), FilesystemStore)
    assert isinstance(make_store({"PHOTO_STORE": "database"}), DatabaseStore)
    s3 = make_store({"PHOTO_STORE": "s3", "S3_BUCKET": "b", "S3_PREFIX": "p/",
                     "S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert isinstance(s3, S3Store) and (s3.bucket, s3.prefix) == ("b", "p/")


@pytest.mark.parametrize("store_name", ["filesystem"])
@pytest.mark.parametrize(("config", "message"), [
    ({"PHOTO_STORE": "nfs"}, "must be one of filesystem, database, s3"),
    ({"PHOTO_STORE": "s3", "S3_BUCKET": ""}, "DICOSO_S3_BUCKET"),
])
def test_an_unknown_or_incomplete_store_refuses_to_start(make_app, config, message):
    with pytest.raises(RuntimeError, match=message):
        make_app(**config)


@pytest.mark.parametrize("store_name", ["filesystem"])
def test_photos_on_local_disk_with_several_processes_are_warned_about(make_app, caplog):
    make_app(WORKERS=1)
    assert "another app server" not in caplog.text  # one process: nothing to say
    make_app(WORKERS=4, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    assert "another app server behind the same address would not find them" in caplog.text
    caplog.clear()
    make_app(WORKERS=1, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")  # limits shared: servers?
    assert "DICOSO_PHOTO_STORE=database" in caplog.text
    caplog.clear()
    make_app(WORKERS=4, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15", PHOTO_STORE="database")
    assert "photos" not in caplog.text


def test_the_environment_names_the_store_and_the_instance_folder(monkeypatch, tmp_path):
    from server.config import from_environment, instance_path

    for name in ("DICOSO_PHOTO_STORE", "DICOSO_S3_BUCKET", "DICOSO_INSTANCE_PATH", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert from_environment(tmp_path)["PHOTO_STORE"] == "filesystem"
    monkeypatch.setenv("DICOSO_PHOTO_STORE", "S3")
    monkeypatch.setenv("DICOSO_S3_BUCKET", "photos")
    monkeypatch.setenv("DICOSO_S3_ENDPOINT_URL", "http://minio:9000")
    config = from_environment(tmp_path)
    assert (config["PHOTO_STORE"], config["S3_BUCKET"], config["S3_ENDPOINT_URL"], config["S3_PREFIX"]) == \
        ("s3", "photos", "http://minio:9000", "photos/")
    monkeypatch.setenv("DICOSO_INSTANCE_PATH", str(tmp_path / "server-2"))
    assert instance_path() == tmp_path / "server-2"
