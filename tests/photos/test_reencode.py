"""A photo is kept re-encoded, never as sent: a JPEG+HTML polyglot keeps only its image; quality,
orientation and capture time survive; photo files are served with ``Content-Security-Policy: sandbox``.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.api.support import bearer
from tests.photos.support import add_photo, jpeg, png, stored

PAGE = b"<html><body><script>fetch('/api/v1/bootstrap').then(r => r.text()).then(alert)</script></html>"
ORIENTATION, MAKE, EXIF_IFD, GPS_IFD = 0x0112, 0x010F, 0x8769, 0x8825
DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011


def _file(client, token, photo_id):
    response = client.get(f"/api/v1/photos/{photo_id}/file", headers=bearer(token))
    assert response.status_code == 200
    return response


@pytest.fixture
def store_name() -> str:
    """Re-encoding happens before the store: one store is enough (test_upload.py runs on each)."""
    return "filesystem"


def _directives(response) -> list[str]:
    return [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]


def test_a_jpeg_html_polyglot_keeps_only_its_image(app, client, token, visit_id):
    image = jpeg(640, 480, quality=85)
    polyglot = image + PAGE
    assert Image.open(io.BytesIO(polyglot)).size == (640, 480)  # a browser and Pillow read it as a JPEG
    photo_id = add_photo(client, token, visit_id, polyglot)
    served = _file(client, token, photo_id).data
    for kept in (served, stored(app, photo_id)):
        assert b"<html" not in kept and b"<script" not in kept
        assert kept.endswith(b"\xff\xd9")  # the JPEG's end, and nothing after it
    decoded = Image.open(io.BytesIO(served))
    assert decoded.format == "JPEG" and decoded.size == (640, 480)


def test_html_hidden_in_a_comment_segment_is_dropped(client, token, visit_id):
    photo_id = add_photo(client, token, visit_id, jpeg(320, 240, comment=PAGE))
    assert b"<script" not in _file(client, token, photo_id).data


def test_quality_is_kept(client, token, visit_id):
    original = jpeg(800, 600, quality=90)
    photo_id = add_photo(client, token, visit_id, original)
    served = _file(client, token, photo_id).data
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(served))
    assert after.quantization == before.quantization  # the JPEG's own tables: no second loss of quality
    assert 0.8 < len(served) / len(original) < 1.2
    difference = ImageStat.Stat(ImageChops.difference(before.convert("RGB"), after.convert("RGB")))
    assert max(difference.mean) < 2  # out of 255: the same picture


def test_orientation_and_capture_time_are_kept_the_rest_dropped(client, token, visit_id):
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # held upright: the pixels lie on their side
    exif[MAKE] = "Máy ảnh thử"
    taken = {DATE_TIME_ORIGINAL: "2025:08:16 09:30:00", OFFSET_TIME_ORIGINAL: "+07:00"}
    exif.get_ifd(EXIF_IFD).update(taken)
    exif[GPS_IFD] = {1: "N", 2: (21.0, 51.0, 0.0)}  # where the cadre stood
    photo_id = add_photo(client, token, visit_id, jpeg(600, 400, exif=exif.tobytes()),
                         taken_at="2025-08-16T09:30:00+07:00")
    kept = Image.open(io.BytesIO(_file(client, token, photo_id).data)).getexif()
    assert kept[ORIENTATION] == 6
    assert kept.get_ifd(EXIF_IFD) == taken
    assert MAKE not in kept and not kept.get_ifd(GPS_IFD)
    state = client.get(f"/api/v1/photos/{photo_id}", headers=bearer(token)).get_json()
    assert state["taken_at"] == "2025-08-16T02:30:00+00:00"  # the capture time the app stores
    assert (state["width"], state["height"]) == (600, 400)
    # the thumbnail is drawn upright
    thumb = client.get(f"/api/v1/photos/{photo_id}/thumbnail", headers=bearer(token)).data
    assert Image.open(io.BytesIO(thumb)).size == (213, 320)


def test_a_png_stays_lossless_without_what_followed_it(client, token, visit_id):
    original = png(300, 200)
    photo_id = add_photo(client, token, visit_id, original + PAGE, content_type="image/png")
    served = _file(client, token, photo_id)
    assert served.mimetype == "image/png" and b"<html" not in served.data
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(served.data))
    assert after.mode == before.mode and after.tobytes() == before.tobytes()


def test_a_webp_is_re_encoded_too(client, token, visit_id):
    out = io.BytesIO()
    Image.effect_noise((320, 240), 50).convert("RGB").save(out, "WEBP", quality=80)
    photo_id = add_photo(client, token, visit_id, out.getvalue() + PAGE, content_type="image/webp")
    served = _file(client, token, photo_id)
    assert served.mimetype == "image/webp" and b"<html" not in served.data
    assert Image.open(io.BytesIO(served.data)).size == (320, 240)


def test_photo_files_are_served_sandboxed(client, auth, token, visit_id):
    photo_id = add_photo(client, token, visit_id, jpeg(320, 240) + PAGE)
    for variant in ("file", "thumbnail"):
        response = client.get(f"/api/v1/photos/{photo_id}/{variant}", headers=bearer(token))
        assert response.status_code == 200
        assert "sandbox" in _directives(response), variant
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in _directives(response)  # the app's policy still applies
    # from the web session too (a reviewer opening the photo in a tab)
    auth.sign_in("cadre")
    assert "sandbox" in _directives(client.get(f"/api/v1/photos/{photo_id}/file"))
    # the app's pages are not sandboxed
    assert "sandbox" not in _directives(client.get("/"))
