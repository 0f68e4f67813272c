"""Who may do what with a photo: its cadre changes it while the visit is not approved; the cadre,
reviewers of the cadre and admins see it; everyone else is told it does not exist."""

from __future__ import annotations

import io
import uuid

from PIL import Image
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.units.models import Unit
from tests.api.support import bearer, issue_token
from tests.factories import make_supervisor, review_visit
from tests.helpers import csrf_token
from tests.photos.support import (
    CHUNK,
    add_photo,
    declaration,
    declare,
    jpeg,
    kept_nothing,
    partial_size,
    send,
    stored,
    upload,
)


def test_another_cadre_is_told_the_photo_does_not_exist(client, token, visit_id):
    photo_id = add_photo(client, token, visit_id)
    other = issue_token(client, "cadre2")
    data = jpeg(200, 100)
    assert declare(client, other, visit_id, declaration(data)).status_code == 404
    for path in ("", "/file", "/thumbnail"):
        response = client.get(f"/api/v1/photos/{photo_id}{path}", headers=bearer(other))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert send(client, other, photo_id, 0, data).status_code == 404
    assert client.delete(f"/api/v1/photos/{photo_id}", headers=bearer(other)).status_code == 404
    assert client.get(f"/api/v1/photos/{photo_id}/file", headers=bearer(token)).status_code == 200
    unknown = uuid.uuid4()
    assert client.get(f"/api/v1/photos/{unknown}", headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/photos/not-a-uuid/file", headers=bearer(token)).status_code == 404
    assert declare(client, token, unknown, declaration(data)).status_code == 404


def test_a_reviewer_in_scope_sees_the_thumbnail_one_outside_does_not(app, client, auth, token, visit_id,
                                                                    world):
    photo_id = add_photo(client, token, visit_id)
    with app.app_context():
        make_supervisor("supb", "Giám Sát Huyện B", db.session.get(Unit, world.district_b))
        db.session.commit()
    for reviewer in ("supa", "sup", "admin"):
        auth.sign_in(reviewer)  # the review pages use the web session
        thumb = client.get(f"/api/v1/photos/{photo_id}/thumbnail")
        assert thumb.status_code == 200, reviewer
        assert Image.open(io.BytesIO(thumb.data)).size == (320, 240)
        assert client.get(f"/api/v1/photos/{photo_id}/file").status_code == 200
        # seeing is not changing: only the cadre removes or sends bytes
        headers = {"X-CSRFToken": csrf_token(client, "/auth/password")}
        assert client.delete(f"/api/v1/photos/{photo_id}", headers=headers).status_code == 404
        auth.sign_out()
    auth.sign_in("supb")
    assert client.get(f"/api/v1/photos/{photo_id}/thumbnail").status_code == 404
    assert client.get(f"/api/v1/photos/{photo_id}").status_code == 404


def test_files_are_served_inline_with_their_type_and_no_shared_cache(client, token, visit_id):
    photo_id = add_photo(client, token, visit_id)
    for path, kind in (("file", "image/jpeg"), ("thumbnail", "image/jpeg")):
        response = client.get(f"/api/v1/photos/{photo_id}/{path}", headers={
            **bearer(token), "Accept-Encoding": "gzip, br"})
        assert response.status_code == 200
        assert response.headers["Content-Type"] == kind
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert response.headers["Content-Disposition"].startswith("inline")
        assert "Content-Encoding" not in response.headers  # a JPEG is not compressed again
        again = client.get(f"/api/v1/photos/{photo_id}/{path}", headers={
            **bearer(token), "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and not again.data
    state = client.get(f"/api/v1/photos/{photo_id}", headers=bearer(token))
    assert state.headers["Cache-Control"] == "no-store"


def test_an_approved_visit_refuses_photo_changes_like_a_push(app, client, token, visit_id, world):
    kept_data = jpeg(300, 200)
    kept_body = declaration(kept_data)
    declare(client, token, visit_id, kept_body)
    assert upload(client, token, kept_body["id"], kept_data).get_json()["complete"]
    kept = kept_body["id"]
    data = jpeg(600, 400)
    pending = declaration(data)
    declare(client, token, visit_id, pending)
    send(client, token, pending["id"], 0, data[:CHUNK])
    with app.app_context():
        review_visit(visit_id, world.supervisor, "approved")
        db.session.commit()
    new = declare(client, token, visit_id, declaration(jpeg(200, 100)))
    assert new.status_code == 409 and new.get_json()["error"]["code"] == "locked"
    rest = upload(client, token, pending["id"], data, start=CHUNK)
    assert rest.status_code == 409 and rest.get_json()["error"]["code"] == "locked"
    gone = client.delete(f"/api/v1/photos/{kept}", headers=bearer(token))
    assert gone.status_code == 409 and gone.get_json()["error"]["code"] == "locked"
    again = declare(client, token, visit_id, pending)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "locked"
    # the kept photo stays visible; a retry of its declaration answers its state
    assert client.get(f"/api/v1/photos/{kept}/file", headers=bearer(token)).status_code == 200
    retry = declare(client, token, visit_id, kept_body)
    assert retry.status_code == 200 and retry.get_json()["complete"]


def test_a_photo_finished_after_approval_is_refused(app, client, token, visit_id, world):
    data = jpeg(300, 200)
    body = declaration(data)
    declare(client, token, visit_id, body)
    with app.app_context():
        review_visit(visit_id, world.supervisor, "approved")
        db.session.commit()
    assert send(client, token, body["id"], 0, data).get_json()["error"]["code"] == "locked"


def test_removing_a_photo_removes_its_files_and_is_audited(app, client, token, visit_id):
    photo_id = add_photo(client, token, visit_id)
    assert stored(app, photo_id) and stored(app, photo_id, "thumbnail")
    response = client.delete(f"/api/v1/photos/{photo_id}", headers=bearer(token))
    assert response.status_code == 204
    assert kept_nothing(app, photo_id)
    assert client.get(f"/api/v1/photos/{photo_id}", headers=bearer(token)).status_code == 404
    assert client.delete(f"/api/v1/photos/{photo_id}", headers=bearer(token)).status_code == 404
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == visit_id)
                                     .order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["visit_created", "photo_added", "photo_removed"]
        assert {e.details["photo_id"] for e in entries[1:]} == {photo_id}


def test_a_removed_pending_photo_frees_its_place(make_app, world, visit_id):
    app = make_app(MAX_PHOTOS_PER_VISIT=1)
    client = app.test_client()
    token = issue_token(client, "cadre")
    data = jpeg(300, 200)
    body = declaration(data)
    declare(client, token, visit_id, body)
    send(client, token, body["id"], 0, data[:1000])
    assert partial_size(app, body["id"]) == 1000
    assert client.delete(f"/api/v1/photos/{body['id']}", headers=bearer(token)).status_code == 204
    assert kept_nothing(app, body["id"])
    assert declare(client, token, visit_id, declaration(jpeg(200, 100))).status_code == 201


def test_the_web_session_needs_its_csrf_token_to_change_a_photo(client, auth, world, visit_id):
    auth.sign_in("cadre")
    data = jpeg(300, 200)
    body = declaration(data)
    url = f"/api/v1/visits/{visit_id}/photos"
    refused = client.post(url, json=body)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    token = csrf_token(client, "/auth/password")
    assert client.post(url, json=body, headers={"X-CSRFToken": token}).status_code == 201
    chunk = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    assert client.patch(f"/api/v1/photos/{body['id']}", data=data, headers=chunk).status_code == 400
    done = client.patch(f"/api/v1/photos/{body['id']}", data=data, headers={**chunk, "X-CSRFToken": token})
    assert done.status_code == 200 and done.get_json()["complete"]
