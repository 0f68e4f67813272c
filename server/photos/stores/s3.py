"""Photos in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…) through boto3: every app
server that reaches the bucket shares the photos.

Keys under ``prefix``: ``<id>.part/<offset>`` while uploading (one object per chunk, the offset
zero-padded so that the keys list in order), then ``<id>`` and ``<id>.thumb.jpg``. S3's own
multipart upload does not fit: its parts must be at least 5 MiB but the phone sends 64 KiB, and an
unfinished one cannot be read back for the checksum. An object is durable once its PUT answers;
as with files, bytes past the committed offset (a chunk whose request then failed) are dropped by
the next append, and removal waits for the row's deletion to be committed.

Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a
profile, an instance role). boto3 is an optional dependency: ``pip install '.[s3]'``.
"""

from __future__ import annotations

import contextlib
import io
import threading
import uuid
from collections.abc import Iterator
from typing import Any, BinaryIO

from server.photos.storage import Variant

#: digits of a part's offset in its key: up to 10^12 bytes, far past MAX_PHOTO_BYTES
_DIGITS = 12


class S3Store:
    """Objects in one bucket, under one prefix."""

    #: objects are written at once: removing them waits for the row's deletion to be committed
    transactional = False

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None):
        self.bucket, self.prefix = bucket, prefix
        self._options = {"endpoint_url": endpoint_url, "region_name": region}
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """boto3's client, made at first use: in each worker process (gunicorn forks them), not
        before the fork; boto3's clients are safe to share between a worker's threads."""
        with self._lock:
            if self._client is None:
                import boto3

                self._client = boto3.client("s3", **{k: v for k, v in self._options.items() if v})
            return self._client

    def _key(self, photo_id: uuid.UUID, variant: Variant) -> str:
        return f"{self.prefix}{photo_id}{'.thumb.jpg' if variant == 'thumbnail' else ''}"

    def _parts_prefix(self, photo_id: uuid.UUID) -> str:
        return f"{self.prefix}{photo_id}.part/"

    def _part_key(self, photo_id: uuid.UUID, offset: int) -> str:
        return f"{self._parts_prefix(photo_id)}{offset:0{_DIGITS}d}"

    def _parts(self, photo_id: uuid.UUID) -> list[tuple[int, int, str]]:
        """The partial upload's parts as (offset, size, key), in order."""
        parts = []
        prefix = self._parts_prefix(photo_id)
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                parts.append((int(item["Key"][len(prefix):]), item["Size"], item["Key"]))
        return sorted(parts)

    @staticmethod
    def _contiguous_end(parts: list[tuple[int, int, str]]) -> int:
        """Where the parts stop following one another from 0: a part lost from the middle (the
        bucket is not transactional) leaves only what precedes it usable."""
        end = 0
        for offset, size, _key in parts:
            if offset != end:
                break
            end += size
        return end

    def partial_size(self, photo_id: uuid.UUID) -> int:
        return self._contiguous_end(self._parts(photo_id))

    def append(self, photo_id: uuid.UUID, offset: int, chunk: bytes) -> int:
        parts = self._parts(photo_id)
        if self._contiguous_end(parts) < offset:
            raise ValueError(f"photo {photo_id}: the partial upload is shorter than {offset}")
        # drop what is kept past the offset: parts that start there or later, the end of one over it
        self._delete_keys([key for start, _size, key in parts if start >= offset])
        for start, size, key in parts:
            if start < offset < start + size:
                head = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()[:offset - start]
                self.client.put_object(Bucket=self.bucket, Key=key, Body=head)
        self.client.put_object(Bucket=self.bucket, Key=self._part_key(photo_id, offset), Body=chunk)
        return offset + len(chunk)

    @contextlib.contextmanager
    def open_partial(self, photo_id: uuid.UUID) -> Iterator[BinaryIO]:
        parts = self._parts(photo_id)
        end = self._contiguous_end(parts)
        data = io.BytesIO()  # at most MAX_PHOTO_BYTES (5 MiB)
        for start, _size, key in parts:
            if start >= end:
                break
            data.write(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        data.seek(0)
        yield data

    def discard_partial(self, photo_id: uuid.UUID) -> None:
        self._delete_keys([key for _start, _size, key in self._parts(photo_id)])

    def finish(self, photo_id: uuid.UUID, original: bytes, thumbnail: bytes) -> None:
        # the thumbnail first: a finished photo always has one
        self.client.put_object(Bucket=self.bucket, Key=self._key(photo_id, "thumbnail"), Body=thumbnail,
                               ContentType="image/jpeg")
        self.client.put_object(Bucket=self.bucket, Key=self._key(photo_id, "file"), Body=original)
        self.discard_partial(photo_id)

    def open(self, photo_id: uuid.UUID, variant: Variant) -> BinaryIO | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(photo_id, variant))
        except self.client.exceptions.NoSuchKey:
            return None
        # read whole (a photo is at most 5 MiB): the answer then has its length, and no pooled
        # connection stays held by a response that is still being sent
        return io.BytesIO(answer["Body"].read())

    def delete(self, photo_id: uuid.UUID) -> None:
        keys = [key for _start, _size, key in self._parts(photo_id)]
        self._delete_keys([*keys, self._key(photo_id, "file"), self._key(photo_id, "thumbnail")])

    def _delete_keys(self, keys: list[str]) -> None:
        """Delete these objects (absent ones are no error); raise if any could not be deleted, so
        that a chunk is never appended after parts that should have gone."""
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = keys[start:start + 1000]
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": key} for key in batch], "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise OSError(f"S3 did not delete {first.get('Key')}: {first.get('Message')}")
