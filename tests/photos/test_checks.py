"""What a photo must be: a declaration within the limits, then a real JPEG, PNG or WebP image."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from server.photos.storage import STORES
from tests.api.support import bearer
from tests.photos.support import add_photo, declaration, declare, jpeg, kept_nothing, png, send, upload


@pytest.fixture
def store_name() -> str:
    """The checks happen before the store: one store is enough, but for what is discarded."""
    return "filesystem"


def _refused_upload(client, token, visit_id, data: bytes, **declared):
    body = declaration(data, **declared)
    assert declare(client, token, visit_id, body).status_code == 201
    return body["id"], upload(client, token, body["id"], data)


@pytest.mark.parametrize(("field", "value"), [
    ("sha256", "abc"), ("sha256", "g" * 64), ("size", 0), ("size", "12"), ("size", 5 * 1024 * 1024 + 1),
    ("content_type", "image/gif"), ("content_type", "text/html"), ("taken_at", "2025-08-16T09:30:00"),
    ("taken_at", "hôm qua"), ("taken_at", "1999-12-31T23:00:00+07:00"), ("caption", "x" * 501),
    ("id", "not-a-uuid"),
])
def test_a_bad_declaration_is_refused_field_by_field(client, token, visit_id, field, value):
    response = declare(client, token, visit_id, declaration(b"abc", **{field: value}))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_declaration_messages_are_in_the_users_language(client, token, visit_id):
    response = declare(client, token, visit_id, declaration(b"abc", size=6 * 1024 * 1024, extra=1))
    fields = response.get_json()["error"]["fields"]
    assert fields["size"] == ["Tối đa 5 MB."]
    assert fields["extra"] and fields["extra"] != ["Unknown field."]


def test_the_size_and_count_limits_follow_the_configuration(make_app, world, visit_id):
    from tests.api.support import issue_token

    app = make_app(MAX_PHOTO_BYTES=100_000, MAX_PHOTOS_PER_VISIT=2)
    client = app.test_client()
    token = issue_token(client, "cadre")
    too_big = declare(client, token, visit_id, declaration(b"x", size=100_001))
    assert too_big.status_code == 422 and "size" in too_big.get_json()["error"]["fields"]
    add_photo(client, token, visit_id)
    pending = declaration(jpeg(300, 200))
    assert declare(client, token, visit_id, pending).status_code == 201  # pending ones count too
    third = declare(client, token, visit_id, declaration(jpeg(200, 100)))
    assert third.status_code == 422
    assert third.get_json()["error"]["code"] == "too_many_photos"
    assert "2" in third.get_json()["error"]["message"]
    # a retry of a declared photo is not a new one
    assert declare(client, token, visit_id, pending).status_code == 200


@pytest.mark.parametrize("store_name", STORES)
def test_a_corrupt_jpeg_is_refused_with_a_clear_message_and_discarded(app, client, token, visit_id):
    data = jpeg(800, 600)
    cut = data[: len(data) // 2]  # the checksum is of these bytes: they arrive intact, but are no image
    photo_id, response = _refused_upload(client, token, visit_id, cut)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "not_an_image"
    assert error["message"] == "Tệp không phải ảnh JPEG, PNG hoặc WebP, hoặc đã bị hỏng."
    assert client.get(f"/api/v1/photos/{photo_id}", headers=bearer(token)).status_code == 404
    assert kept_nothing(app, photo_id)


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n" + b"0" * 5000,
    b"<html><script>alert(1)</script></html>",
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
], ids=["pdf", "html", "gif"])
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_refused(client, token, visit_id, data):
    photo_id, response = _refused_upload(client, token, visit_id, data)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "not_an_image"
    assert client.get(f"/api/v1/photos/{photo_id}/file", headers=bearer(token)).status_code == 404


def _png_header_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims a huge image (a decompression bomb's opening)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [7000, 30000])  # over our limit; over Pillow's own as well
def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, token, visit_id, side):
    bomb = _png_header_claiming(side, side)
    assert len(bomb) < 1000
    _photo_id, response = _refused_upload(client, token, visit_id, bomb, content_type="image/png")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "not_an_image" and "40 triệu điểm ảnh" in error["message"]


def test_a_real_bomb_under_a_lower_pixel_limit(make_app, world, visit_id):
    from tests.api.support import issue_token

    out = io.BytesIO()
    Image.new("L", (2000, 2000)).save(out, "PNG", optimize=True)  # 4 million pixels in a few KB
    assert len(out.getvalue()) < 20_000
    client = make_app(MAX_PHOTO_PIXELS=1_000_000).test_client()
    token = issue_token(client, "cadre")
    _photo_id, response = _refused_upload(client, token, visit_id, out.getvalue(), content_type="image/png")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "not_an_image"


def test_png_and_webp_are_kept_as_they_are_and_served_with_their_type(client, token, visit_id):
    transparent = png(500, 250)
    photo_id = add_photo(client, token, visit_id, transparent, content_type="image/png")
    file = client.get(f"/api/v1/photos/{photo_id}/file", headers=bearer(token))
    assert file.headers["Content-Type"] == "image/png" and file.data == transparent
    thumb = Image.open(io.BytesIO(client.get(f"/api/v1/photos/{photo_id}/thumbnail",
                                             headers=bearer(token)).data))
    assert (thumb.format, thumb.mode, thumb.size) == ("JPEG", "RGB", (320, 160))
    out = io.BytesIO()
    Image.effect_noise((640, 480), 50).convert("RGB").save(out, "WEBP", quality=60)
    # declared as JPEG, but the bytes are WebP: served as what they are
    webp_id = add_photo(client, token, visit_id, out.getvalue(), content_type="image/jpeg")
    assert client.get(f"/api/v1/photos/{webp_id}", headers=bearer(token)).get_json()["content_type"] \
        == "image/webp"
    assert client.get(f"/api/v1/photos/{webp_id}/file", headers=bearer(token)).headers["Content-Type"] \
        == "image/webp"


def test_the_thumbnail_is_a_small_jpeg_without_exif(client, token, visit_id):
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh thử"  # Make
    exif[0x0132] = "2025:08:16 09:30:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (21.0, 51.0, 0.0)}  # GPS: where the cadre stood
    data = jpeg(1600, 900, exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()  # the test photo does carry EXIF
    photo_id = add_photo(client, token, visit_id, data)
    thumb_bytes = client.get(f"/api/v1/photos/{photo_id}/thumbnail", headers=bearer(token)).data
    thumb = Image.open(io.BytesIO(thumb_bytes))
    assert thumb.format == "JPEG" and max(thumb.size) == 320 and thumb.size == (320, 180)
    assert not thumb.getexif() and "exif" not in thumb.info and b"Exif" not in thumb_bytes
    # the photo itself is re-encoded: it keeps the time it was taken, not the camera or the place
    kept = Image.open(io.BytesIO(client.get(f"/api/v1/photos/{photo_id}/file", headers=bearer(token)).data))
    assert dict(kept.getexif()) == {0x0132: "2025:08:16 09:30:00"}


def test_a_chunk_must_be_raw_bytes_at_a_stated_offset(client, token, visit_id):
    data = jpeg(300, 200)
    body = declaration(data)
    declare(client, token, visit_id, body)
    url = f"/api/v1/photos/{body['id']}"
    as_json = client.patch(url, json={"bytes": "…"}, headers={**bearer(token), "Upload-Offset": "0"})
    assert as_json.status_code == 415
    gzipped = send(client, token, body["id"], 0, zlib.compress(data), **{"Content-Encoding": "gzip"})
    assert gzipped.status_code == 415
    no_offset = client.patch(url, data=data, headers={
        **bearer(token), "Content-Type": "application/offset+octet-stream"})
    assert no_offset.status_code == 400 and no_offset.get_json()["error"]["code"] == "bad_offset"
    for bad in ("-1", "1e3", "٣", "x"):
        assert send(client, token, body["id"], 0, data, **{"Upload-Offset": bad}).status_code == 400
    huge = send(client, token, body["id"], 0, b"\0" * (1024 * 1024 + 1))
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "too_large"
    # plain octet-stream is accepted too
    assert send(client, token, body["id"], 0, data, **{"Content-Type": "application/octet-stream"}) \
        .get_json()["complete"]
