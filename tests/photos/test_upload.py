"""Declaring a photo and sending its bytes in chunks: idempotent, resumable, checked."""

from __future__ import annotations

import hashlib
import io
import uuid

from PIL import Image

from server.extensions import db
from server.photos.models import Photo
from tests.photos.support import (
    CHUNK,
    add_photo,
    declaration,
    declare,
    jpeg,
    partial_size,
    send,
    stored,
    upload,
)


def test_declare_then_upload_in_chunks(app, client, token, visit_id):
    data = jpeg()
    assert len(data) > 3 * CHUNK
    body = declaration(data)
    response = declare(client, token, visit_id, body)
    assert response.status_code == 201
    state = response.get_json()
    assert state["id"] == body["id"] and state["visit_id"] == visit_id
    assert (state["offset"], state["size"], state["complete"]) == (0, len(data), False)
    assert state["thumbnail_url"] is None and response.headers["Upload-Offset"] == "0"

    first = send(client, token, body["id"], 0, data[:CHUNK])
    assert first.status_code == 200
    assert first.get_json()["offset"] == CHUNK and first.headers["Upload-Offset"] == str(CHUNK)
    assert not first.get_json()["complete"]
    last = upload(client, token, body["id"], data, start=CHUNK)
    done = last.get_json()
    assert done["complete"] and done["offset"] == len(data)
    assert (done["width"], done["height"]) == (1600, 1200)
    assert done["thumbnail_url"] == f"/api/v1/photos/{body['id']}/thumbnail"
    with app.app_context():
        photo = db.session.get(Photo, uuid.UUID(body["id"]))
        assert photo.complete and photo.offset == len(data)
    kept = Image.open(io.BytesIO(stored(app, body["id"])))  # re-encoded (test_reencode.py): the same picture
    assert kept.format == "JPEG" and kept.size == (1600, 1200)
    assert stored(app, body["id"], "thumbnail") and partial_size(app, body["id"]) == 0


def test_a_retried_declaration_answers_the_current_state(client, token, visit_id):
    data = jpeg(800, 600)
    body = declaration(data)
    assert declare(client, token, visit_id, body).status_code == 201
    send(client, token, body["id"], 0, data[:CHUNK])
    again = declare(client, token, visit_id, body)
    assert again.status_code == 200
    assert again.get_json()["offset"] == CHUNK and not again.get_json()["complete"]
    # upper-case hex is the same checksum
    assert declare(client, token, visit_id, {**body, "sha256": body["sha256"].upper()}).status_code == 200


def test_the_same_id_with_other_bytes_or_on_another_visit_is_a_conflict(app, client, token, visit_id, world):
    from tests.factories import make_visit

    data = jpeg(300, 200)
    body = declaration(data)
    assert declare(client, token, visit_id, body).status_code == 201
    other = declare(client, token, visit_id, {**body, "sha256": hashlib.sha256(b"x").hexdigest()})
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "photo_conflict"
    bigger = declare(client, token, visit_id, {**body, "size": len(data) + 1})
    assert bigger.status_code == 409 and bigger.get_json()["error"]["code"] == "photo_conflict"
    with app.app_context():
        second = make_visit(world.cadre, world.commune_a2)
        db.session.commit()
        second_id = second.id
    moved = declare(client, token, second_id, body)
    assert moved.status_code == 409 and moved.get_json()["error"]["code"] == "photo_conflict"


def test_a_wrong_offset_is_answered_with_the_servers_and_the_upload_resumes(app, client, token, visit_id):
    data = jpeg()
    body = declaration(data)
    declare(client, token, visit_id, body)
    assert send(client, token, body["id"], 0, data[:CHUNK]).status_code == 200
    assert send(client, token, body["id"], CHUNK, data[CHUNK:2 * CHUNK]).status_code == 200
    # the phone lost the last answer and believes the server has only the first chunk
    behind = send(client, token, body["id"], CHUNK, data[CHUNK:2 * CHUNK])
    assert behind.status_code == 409
    error = behind.get_json()["error"]
    assert error["code"] == "offset_mismatch" and error["offset"] == 2 * CHUNK
    # … or it skipped ahead
    ahead = send(client, token, body["id"], 3 * CHUNK, data[3 * CHUNK:4 * CHUNK])
    assert ahead.status_code == 409 and ahead.get_json()["error"]["offset"] == 2 * CHUNK
    # it asks where to resume, and sends only the rest
    resume = client.get(f"/api/v1/photos/{body['id']}", headers={"Authorization": f"Bearer {token}"})
    assert resume.get_json()["offset"] == 2 * CHUNK
    received: list[int] = []
    offset = resume.get_json()["offset"]
    while offset < len(data):
        chunk = data[offset:offset + CHUNK]
        received.append(len(chunk))
        answer = send(client, token, body["id"], offset, chunk)
        assert answer.status_code == 200
        offset = answer.get_json()["offset"]
    assert sum(received) == len(data) - 2 * CHUNK
    assert answer.get_json()["complete"]
    # a retry of the last chunk's answer: the whole photo is there
    assert send(client, token, body["id"], len(data), b"").status_code == 200
    late = send(client, token, body["id"], len(data) - CHUNK, data[-CHUNK:])
    assert late.status_code == 409 and late.get_json()["error"]["offset"] == len(data)


def test_a_chunk_past_the_declared_size_is_refused(client, token, visit_id):
    data = jpeg(300, 200)
    body = declaration(data)
    declare(client, token, visit_id, body)
    response = send(client, token, body["id"], 0, data + b"extra")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "past_end"


def test_a_checksum_mismatch_discards_the_bytes(app, client, token, visit_id):
    data = jpeg(600, 400)
    body = declaration(data)
    declare(client, token, visit_id, body)
    damaged = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
    response = upload(client, token, body["id"], damaged)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "checksum_mismatch"
    state = client.get(f"/api/v1/photos/{body['id']}", headers={"Authorization": f"Bearer {token}"})
    assert state.get_json()["offset"] == 0 and not state.get_json()["complete"]
    # sent again from the start, right this time
    assert upload(client, token, body["id"], data).get_json()["complete"]


def test_photos_show_in_the_visit_they_belong_to(client, token, visit_id):
    photo_id = add_photo(client, token, visit_id)
    visit = client.get(f"/api/v1/visits/{visit_id}", headers={"Authorization": f"Bearer {token}"})
    assert [p["id"] for p in visit.get_json()["photos"]] == [photo_id]
