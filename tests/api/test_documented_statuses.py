"""The document lists exactly the statuses each operation answers, and each one happens.

schemathesis (test_fuzz.py) checks the other way round: that no answer carries a status the
document does not list. Here every listed status is produced once, on purpose, and its answer
has the documented shape: the error envelope as JSON, ``WWW-Authenticate`` on a 401.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from tests.api.support import bearer, issue_token, push, wire_visit
from tests.factories import PASSWORD, make_visit, review_visit
from tests.helpers import csrf_token
from tests.photos.support import add_photo, declaration, declare, jpeg, send

BOOTSTRAP, PUSH, PULL = "GET /api/v1/bootstrap", "POST /api/v1/sync/push", "GET /api/v1/sync/pull"
VISIT, ISSUE = "GET /api/v1/visits/{visit_id}", "POST /api/v1/tokens"
TOKENS, REVOKE = "GET /api/v1/tokens", "DELETE /api/v1/tokens/{token_id}"
CURRENT = "DELETE /api/v1/tokens/current"
DECLARE, PHOTO = "POST /api/v1/visits/{visit_id}/photos", "GET /api/v1/photos/{photo_id}"
CHUNK, REMOVE = "PATCH /api/v1/photos/{photo_id}", "DELETE /api/v1/photos/{photo_id}"
FILE, THUMBNAIL = "GET /api/v1/photos/{photo_id}/file", "GET /api/v1/photos/{photo_id}/thumbnail"

DOCUMENTED = {
    BOOTSTRAP: {200, 304, 401, 429},
    PUSH: {200, 400, 401, 413, 415, 429, 503},
    PULL: {200, 400, 401, 429},
    VISIT: {200, 401, 404, 429},
    ISSUE: {201, 400, 401, 403, 413, 415, 429},
    TOKENS: {200, 401, 429},
    REVOKE: {204, 400, 401, 404, 429},
    CURRENT: {204, 401, 429},
    DECLARE: {200, 201, 400, 401, 404, 409, 413, 415, 422, 429},
    PHOTO: {200, 401, 404, 429},
    CHUNK: {200, 400, 401, 404, 409, 413, 415, 422, 429},
    REMOVE: {204, 400, 401, 404, 409, 429},
    FILE: {200, 304, 401, 404, 429},
    THUMBNAIL: {200, 304, 401, 404, 429},
}


class Api:
    """A signed-in device of "cadre" on the test app, and what a trigger needs."""

    def __init__(self, app, make_app, world):
        self.app, self.make_app, self.world = app, make_app, world
        self.client = app.test_client()
        self.token = issue_token(self.client)
        self.auth = bearer(self.token)
        self.patch: pytest.MonkeyPatch | None = None
        self._limited = None

    def twice(self, send: Callable):
        """The second of two requests to an app whose limits allow one a minute (each route
        counts on its own); the token comes from the service, so POST /tokens is not used up."""
        if self._limited is None:
            from sqlalchemy import select

            from server.auth.models import User
            from server.extensions import db
            from server.tokens.services import issue_token as new_token

            app = self.make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="1 per minute",
                                API_PUSH_RATE_LIMIT="1 per minute", TOKEN_RATE_LIMIT="1 per minute")
            with app.app_context():
                user = db.session.scalar(select(User).where(User.username == "cadre"))
                _token, secret = new_token(user, "limited", 1)
                db.session.commit()
            self._limited = app.test_client(), bearer(secret)
        client, auth = self._limited
        send(client, auth)
        return send(client, auth)

    def own_visit(self) -> str:
        from server.extensions import db

        with self.app.app_context():
            visit = make_visit(self.world.cadre, self.world.commune_a1)
            db.session.commit()
            return str(visit.id)

    def another_token_id(self) -> int:
        issue_token(self.client, device="another")
        tokens = self.client.get("/api/v1/tokens", headers=self.auth).get_json()["tokens"]
        return next(t["id"] for t in tokens if not t["current"])

    def busy_push(self):
        from server.visits import push as visit_push
        from server.visits.store import ConcurrentChange

        def busy(*args, **kwargs):
            raise ConcurrentChange()

        assert self.patch is not None
        self.patch.setattr(visit_push, "push_visits", busy)
        return push(self.client, self.token, [wire_visit(self.world.commune_a1)])

    def session_delete_without_csrf(self, path: str | None = None):
        client = self.app.test_client()
        token = csrf_token(client, "/auth/sign-in")
        client.post("/auth/sign-in", data={"username": "cadre", "password": PASSWORD, "csrf_token": token})
        return client.delete(path or f"/api/v1/tokens/{self.another_token_id()}")

    def declared_photo(self, visit_id: str | None = None) -> str:
        """A photo of one of the cadre's visits, declared and not sent yet; its id."""
        body = declaration(jpeg(40, 30))
        assert declare(self.client, self.token, visit_id or self.own_visit(), body).status_code == 201
        return body["id"]

    def whole_photo(self) -> str:
        return add_photo(self.client, self.token, self.own_visit(), jpeg(40, 30))

    def twice_declared(self):
        visit, body = self.own_visit(), declaration(jpeg(40, 30))
        declare(self.client, self.token, visit, body)
        return declare(self.client, self.token, visit, body)

    def photo_of_approved_visit(self) -> str:
        from server.extensions import db

        visit = self.own_visit()
        photo = self.declared_photo(visit)
        with self.app.app_context():
            review_visit(visit, self.world.supervisor, "approved")
            db.session.commit()
        return photo

    def image_again(self, kind: str):
        path = f"/api/v1/photos/{self.whole_photo()}/{kind}"
        etag = self.client.get(path, headers=self.auth).headers["ETag"]
        return self.client.get(path, headers={**self.auth, "If-None-Match": etag})


def _json(api: Api, path: str, data: bytes, content_type="application/json", **headers):
    return api.client.post(path, data=data, content_type=content_type, headers=headers)


TRIGGERS: dict[tuple[str, int], Callable[[Api], object]] = {
    (BOOTSTRAP, 200): lambda api: api.client.get("/api/v1/bootstrap", headers=api.auth),
    (BOOTSTRAP, 304): lambda api: api.client.get("/api/v1/bootstrap", headers={
        **api.auth, "If-None-Match": api.client.get("/api/v1/bootstrap", headers=api.auth).headers["ETag"]}),
    (BOOTSTRAP, 401): lambda api: api.client.get("/api/v1/bootstrap"),
    (BOOTSTRAP, 429): lambda api: api.twice(lambda c, a: c.get("/api/v1/bootstrap", headers=a)),
    (PUSH, 200): lambda api: push(api.client, api.token, []),
    (PUSH, 400): lambda api: _json(api, "/api/v1/sync/push", b"{", **api.auth),
    (PUSH, 401): lambda api: _json(api, "/api/v1/sync/push", b"{}"),
    (PUSH, 413): lambda api: push(api.client, api.token, [{}] * 201),
    (PUSH, 415): lambda api: _json(api, "/api/v1/sync/push", b"{}", "text/plain", **api.auth),
    (PUSH, 429): lambda api: api.twice(lambda c, a: c.post("/api/v1/sync/push", headers=a,
                                                          json={"device_id": "d", "visits": []})),
    (PUSH, 503): lambda api: api.busy_push(),
    (PULL, 200): lambda api: api.client.get("/api/v1/sync/pull", headers=api.auth),
    (PULL, 400): lambda api: api.client.get("/api/v1/sync/pull?since=-1", headers=api.auth),
    (PULL, 401): lambda api: api.client.get("/api/v1/sync/pull"),
    (PULL, 429): lambda api: api.twice(lambda c, a: c.get("/api/v1/sync/pull", headers=a)),
    (VISIT, 200): lambda api: api.client.get(f"/api/v1/visits/{api.own_visit()}", headers=api.auth),
    (VISIT, 401): lambda api: api.client.get(f"/api/v1/visits/{api.own_visit()}"),
    (VISIT, 404): lambda api: api.client.get("/api/v1/visits/not-a-uuid", headers=api.auth),
    (VISIT, 429): lambda api: api.twice(lambda c, a: c.get("/api/v1/visits/x", headers=a)),
    (ISSUE, 201): lambda api: api.client.post("/api/v1/tokens", json={
        "username": "cadre", "password": PASSWORD, "device_name": "x"}),
    (ISSUE, 400): lambda api: api.client.post("/api/v1/tokens", json={"device_name": ""}),
    (ISSUE, 401): lambda api: api.client.post("/api/v1/tokens", json={
        "username": "cadre", "password": "wrong-password", "device_name": "x"}),
    (ISSUE, 403): lambda api: api.client.post("/api/v1/tokens", json={"device_name": "x"}, headers=api.auth),
    (ISSUE, 413): lambda api: api.client.post("/api/v1/tokens", json={"device_name": "x" * 20_000}),
    (ISSUE, 415): lambda api: _json(api, "/api/v1/tokens", b"device_name=x", "text/plain"),
    (ISSUE, 429): lambda api: api.twice(lambda c, a: c.post("/api/v1/tokens", json={"device_name": "x"})),
    (TOKENS, 200): lambda api: api.client.get("/api/v1/tokens", headers=api.auth),
    (TOKENS, 401): lambda api: api.client.get("/api/v1/tokens"),
    (TOKENS, 429): lambda api: api.twice(lambda c, a: c.get("/api/v1/tokens", headers=a)),
    (REVOKE, 204): lambda api: api.client.delete(f"/api/v1/tokens/{api.another_token_id()}",
                                                 headers=api.auth),
    (REVOKE, 400): lambda api: api.session_delete_without_csrf(),
    (REVOKE, 401): lambda api: api.client.delete("/api/v1/tokens/1"),
    (REVOKE, 404): lambda api: api.client.delete("/api/v1/tokens/999999", headers=api.auth),
    (REVOKE, 429): lambda api: api.twice(lambda c, a: c.delete("/api/v1/tokens/999999", headers=a)),
    (CURRENT, 204): lambda api: api.client.delete("/api/v1/tokens/current",
                                                  headers=bearer(issue_token(api.client, device="old"))),
    (CURRENT, 401): lambda api: api.client.delete("/api/v1/tokens/current"),
    (CURRENT, 429): lambda api: api.twice(lambda c, a: c.delete("/api/v1/tokens/current", headers=a)),
    (DECLARE, 200): lambda api: api.twice_declared(),
    (DECLARE, 201): lambda api: declare(api.client, api.token, api.own_visit(), declaration(jpeg(40, 30))),
    (DECLARE, 400): lambda api: _json(api, f"/api/v1/visits/{api.own_visit()}/photos", b"{", **api.auth),
    (DECLARE, 401): lambda api: _json(api, f"/api/v1/visits/{api.own_visit()}/photos", b"{}"),
    (DECLARE, 404): lambda api: declare(api.client, api.token, uuid.uuid4(), declaration(jpeg(40, 30))),
    (DECLARE, 409): lambda api: declare(api.client, api.token, api.own_visit(),
                                        declaration(jpeg(40, 30), id=api.declared_photo())),
    (DECLARE, 413): lambda api: declare(api.client, api.token, api.own_visit(),
                                        declaration(b"x", caption="x" * 2_000_000)),
    (DECLARE, 415): lambda api: _json(api, f"/api/v1/visits/{api.own_visit()}/photos", b"{}", "text/plain",
                                      **api.auth),
    (DECLARE, 422): lambda api: declare(api.client, api.token, api.own_visit(), declaration(b"", size=0)),
    (DECLARE, 429): lambda api: api.twice(lambda c, a: c.post(f"/api/v1/visits/{uuid.uuid4()}/photos",
                                                             json={}, headers=a)),
    (PHOTO, 200): lambda api: api.client.get(f"/api/v1/photos/{api.declared_photo()}", headers=api.auth),
    (PHOTO, 401): lambda api: api.client.get(f"/api/v1/photos/{uuid.uuid4()}"),
    (PHOTO, 404): lambda api: api.client.get(f"/api/v1/photos/{uuid.uuid4()}", headers=api.auth),
    (PHOTO, 429): lambda api: api.twice(lambda c, a: c.get(f"/api/v1/photos/{uuid.uuid4()}", headers=a)),
    (CHUNK, 200): lambda api: send(api.client, api.token, api.declared_photo(), 0, b"\xff\xd8"),
    (CHUNK, 400): lambda api: send(api.client, api.token, api.declared_photo(), 0, b"x",
                                   **{"Upload-Offset": "-"}),
    (CHUNK, 401): lambda api: api.client.patch(f"/api/v1/photos/{uuid.uuid4()}", data=b"x"),
    (CHUNK, 404): lambda api: send(api.client, api.token, uuid.uuid4(), 0, b"x"),
    (CHUNK, 409): lambda api: send(api.client, api.token, api.declared_photo(), 5, b"x"),
    (CHUNK, 413): lambda api: send(api.client, api.token, api.declared_photo(), 0, b"x" * (2 * 1024 * 1024)),
    (CHUNK, 415): lambda api: send(api.client, api.token, api.declared_photo(), 0, b"x",
                                   **{"Content-Type": "application/json"}),
    (CHUNK, 422): lambda api: send(api.client, api.token, api.declared_photo(), 0, b"x" * 100_000),
    (CHUNK, 429): lambda api: api.twice(lambda c, a: c.patch(f"/api/v1/photos/{uuid.uuid4()}", data=b"x",
                                                            headers=a)),
    (REMOVE, 204): lambda api: api.client.delete(f"/api/v1/photos/{api.declared_photo()}", headers=api.auth),
    (REMOVE, 400): lambda api: api.session_delete_without_csrf(f"/api/v1/photos/{api.declared_photo()}"),
    (REMOVE, 401): lambda api: api.client.delete(f"/api/v1/photos/{uuid.uuid4()}"),
    (REMOVE, 404): lambda api: api.client.delete(f"/api/v1/photos/{uuid.uuid4()}", headers=api.auth),
    (REMOVE, 409): lambda api: api.client.delete(f"/api/v1/photos/{api.photo_of_approved_visit()}",
                                                 headers=api.auth),
    (REMOVE, 429): lambda api: api.twice(lambda c, a: c.delete(f"/api/v1/photos/{uuid.uuid4()}", headers=a)),
    **{(operation, status): trigger for operation, kind in ((FILE, "file"), (THUMBNAIL, "thumbnail"))
       for status, trigger in {
           200: lambda api, kind=kind: api.client.get(f"/api/v1/photos/{api.whole_photo()}/{kind}",
                                                      headers=api.auth),
           304: lambda api, kind=kind: api.image_again(kind),
           401: lambda api, kind=kind: api.client.get(f"/api/v1/photos/{uuid.uuid4()}/{kind}"),
           404: lambda api, kind=kind: api.client.get(f"/api/v1/photos/{uuid.uuid4()}/{kind}",
                                                      headers=api.auth),
           429: lambda api, kind=kind: api.twice(lambda c, a: c.get(f"/api/v1/photos/{uuid.uuid4()}/{kind}",
                                                                    headers=a)),
       }.items()},
}


def test_the_document_lists_these_statuses(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    listed = {f"{method.upper()} {path}": {int(status) for status in operation["responses"]}
              for path, item in spec["paths"].items() for method, operation in item.items()}
    assert listed == DOCUMENTED
    assert set(TRIGGERS) == {(operation, status) for operation, statuses in DOCUMENTED.items()
                             for status in statuses}


def test_each_documented_status_happens_as_documented(app, make_app, world, monkeypatch):
    """All in one test: the world is built once (its users' password hashes are slow on purpose)."""
    api, wrong = Api(app, make_app, world), []
    for (operation, status), trigger in sorted(TRIGGERS.items()):
        with monkeypatch.context() as api.patch:
            response = trigger(api)
        problems = []
        if response.status_code != status:
            problems.append(f"answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
        elif status >= 400 and (response.mimetype != "application/json"
                                # an offset_mismatch also says where to continue (error.offset)
                                or set(response.get_json()["error"]) - {"offset"}
                                != {"code", "message", "fields"}):
            problems.append("not the error envelope")
        elif status == 401 and not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
            problems.append("no WWW-Authenticate")
        wrong += [f"{operation} {status}: {problem}" for problem in problems]
    assert not wrong, "\n".join(wrong)
