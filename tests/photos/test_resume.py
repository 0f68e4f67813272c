"""A cut connection loses at most the chunk in flight; the store and the database agree again."""

from __future__ import annotations

import json
import socket
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from server.extensions import db
from server.photos.models import Photo
from tests.api.live import threaded_server
from tests.api.support import bearer
from tests.photos.support import (
    CHUNK,
    add_photo,
    append_past_offset,
    declaration,
    declare,
    jpeg,
    lose_end,
    partial_size,
    send,
    upload,
)


def _state(client, token, photo_id: str) -> dict:
    return client.get(f"/api/v1/photos/{photo_id}", headers=bearer(token)).get_json()


def test_a_chunk_cut_in_the_middle_is_not_kept_and_the_rest_is_sent_once(app, client, token, visit_id):
    data = jpeg()
    body = declaration(data)
    declare(client, token, visit_id, body)
    assert send(client, token, body["id"], 0, data[:CHUNK]).status_code == 200
    with threaded_server(app) as url:
        address = urlsplit(url)
        with socket.create_connection((address.hostname, address.port)) as sock:
            head = (f"PATCH /api/v1/photos/{body['id']} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                    f"Authorization: Bearer {token}\r\nUpload-Offset: {CHUNK}\r\n"
                    f"Content-Type: application/offset+octet-stream\r\nContent-Length: {CHUNK}\r\n\r\n")
            sock.sendall(head.encode() + data[CHUNK:CHUNK + CHUNK // 2])  # the line drops here
            sock.shutdown(socket.SHUT_WR)
            sock.recv(65536)  # whatever the server answers (if anything) once it sees the cut
        # the phone asks where to resume: the half chunk was not kept
        request = urllib.request.Request(f"{url}/api/v1/photos/{body['id']}", headers=bearer(token))
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["offset"] == CHUNK
    assert partial_size(app, body["id"]) == CHUNK
    done = upload(client, token, body["id"], data, start=CHUNK)
    assert done.get_json()["complete"]


def test_bytes_past_the_committed_offset_are_dropped(app, client, token, visit_id):
    """A chunk written to disk whose answer never committed: the next chunk overwrites it."""
    data = jpeg(800, 600)
    body = declaration(data)
    declare(client, token, visit_id, body)
    send(client, token, body["id"], 0, data[:CHUNK])
    append_past_offset(app, body["id"], b"\xff" * 1000)  # as if a later request had stored it, then failed
    assert partial_size(app, body["id"]) == CHUNK + 1000
    assert _state(client, token, body["id"])["offset"] == CHUNK
    assert upload(client, token, body["id"], data, start=CHUNK).get_json()["complete"]


def test_a_store_that_lost_the_end_reports_what_it_has(app, client, token, visit_id):
    data = jpeg(800, 600)
    body = declaration(data)
    declare(client, token, visit_id, body)
    upload(client, token, body["id"], data[:3 * CHUNK])
    lose_end(app, body["id"], CHUNK + 10)  # a disk that lost its last writes
    assert _state(client, token, body["id"])["offset"] == CHUNK + 10
    ahead = send(client, token, body["id"], 3 * CHUNK, data[3 * CHUNK:4 * CHUNK])
    assert ahead.status_code == 409 and ahead.get_json()["error"]["offset"] == CHUNK + 10
    assert upload(client, token, body["id"], data, start=CHUNK + 10).get_json()["complete"]


def test_the_same_chunk_sent_at_once_by_many_requests_is_kept_once(app, client, token, visit_id):
    data = jpeg()
    body = declaration(data)
    declare(client, token, visit_id, body)
    with threaded_server(app) as url:
        def patch(_n: int) -> int:
            request = urllib.request.Request(f"{url}/api/v1/photos/{body['id']}", data=data[:CHUNK],
                                             method="PATCH", headers={
                                                 **bearer(token), "Upload-Offset": "0",
                                                 "Content-Type": "application/offset+octet-stream"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(pool.map(patch, range(8)))
    assert statuses == [200] + [409] * 7
    assert partial_size(app, body["id"]) == CHUNK
    with app.app_context():
        assert db.session.get(Photo, uuid.UUID(body["id"])).offset == CHUNK
    assert upload(client, token, body["id"], data, start=CHUNK).get_json()["complete"]


def test_the_same_declaration_at_once_makes_one_photo(app, client, token, visit_id):
    body = declaration(jpeg(300, 200))
    with threaded_server(app) as url:
        def post(_n: int) -> int:
            request = urllib.request.Request(f"{url}/api/v1/visits/{visit_id}/photos", method="POST",
                                             data=json.dumps(body).encode(), headers={
                                                 **bearer(token), "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status

        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(pool.map(post, range(8)))
    assert statuses == [200] * 7 + [201]


def test_prune_forgets_old_unfinished_uploads_only(app, client, runner, token, visit_id):
    from datetime import timedelta

    from server.db import utcnow

    done = add_photo(client, token, visit_id)
    old, recent = declaration(jpeg(300, 200)), declaration(jpeg(200, 100))
    for body in (old, recent):
        declare(client, token, visit_id, body)
        send(client, token, body["id"], 0, b"\xff\xd8\xff")
    with app.app_context():
        db.session.get(Photo, uuid.UUID(old["id"])).created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = runner.invoke(args=["photos", "prune", "--days", "30"])
    assert result.exit_code == 0 and result.output.startswith("1 unfinished"), result.output
    assert partial_size(app, old["id"]) == 0 and partial_size(app, recent["id"]) == 3
    assert client.get(f"/api/v1/photos/{old['id']}", headers=bearer(token)).status_code == 404
    assert _state(client, token, recent["id"])["offset"] == 3
    assert _state(client, token, done)["complete"]
    # the phone that comes back declares it again and starts over
    assert declare(client, token, visit_id, old).status_code == 201
