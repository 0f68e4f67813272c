"""Users: create (temporary password shown once), edit, deactivate, reset, change one's own password."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, User, WebSession
from server.extensions import db
from tests.factories import PASSWORD

_SECRET = re.compile(r'id="temporary-password">([a-z0-9]+)<')


def _user(app, username: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _create(post, world, **fields):
    data = {"username": "nguyenvanmau", "full_name": "Nguyễn Văn Mẫu", "role": "cadre",
            "unit_id": str(world.commune_a1), "locale": "vi", "is_full_time": "y", **fields}
    return post("/admin/users/new", data=data)


def test_list_filters_by_name_and_role(admin, world):
    page = admin.get("/admin/users?q=giám&role=").get_data(as_text=True)
    assert "Giám Sát Thử" in page and "Cán Bộ Thử" not in page
    page = admin.get("/admin/users?role=cadre").get_data(as_text=True)
    assert "Cán Bộ Thử" in page and "Giám Sát Thử" not in page


def test_list_is_paginated(app, admin, world):
    from server.auth.services import create_user
    from server.units.models import Unit

    with app.app_context():
        unit = db.session.get(Unit, world.province)
        for i in range(30):
            create_user(f"mau{i:02d}", f"Người Mẫu {i:02d}", PASSWORD, unit)
        db.session.commit()
    first = admin.get("/admin/users?q=mẫu").get_data(as_text=True)
    second = admin.get("/admin/users?q=mẫu&page=2").get_data(as_text=True)
    assert "Người Mẫu 00" in first and "Người Mẫu 29" not in first
    assert "Người Mẫu 29" in second and 'rel="prev"' in second


def test_create_shows_a_temporary_password_once_that_must_be_changed(app, client, auth, admin, post, world):
    response = _create(post, world)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _SECRET.search(response.get_data(as_text=True)).group(1)
    user = _user(app, "nguyenvanmau")
    assert user.must_change_password and user.unit_id == world.commune_a1 and user.is_full_time
    assert _audit(app, "create")[0].details["username"] == "nguyenvanmau"
    auth.sign_out()
    auth.sign_in("nguyenvanmau", password)
    # nothing but the password page until it is changed
    for path in ("/", "/visits/new", "/visits/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password"), path
    assert client.get("/api/v1/bootstrap").status_code == 403
    # the password page still gets its CSS and scripts, and the service worker its script
    page = client.get("/auth/password").get_data(as_text=True)
    css = re.search(r'href="(/static/v/[^"]+/css/app.css)"', page).group(1)
    assert client.get(css).status_code == 200 and client.get("/sw.js").status_code == 200
    response = post("/auth/password",
                    data={"current": password, "new": "mật-khẩu-mới-1", "confirm": "mật-khẩu-mới-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user = _user(app, "nguyenvanmau")
    assert not user.must_change_password and user.password_hash.startswith("scrypt:")


def test_temporary_passwords_use_a_light_hash_and_chosen_ones_scrypt(app, admin, post, world):
    response = _create(post, world)
    assert _SECRET.search(response.get_data(as_text=True))
    assert _user(app, "nguyenvanmau").password_hash.startswith("pbkdf2:sha256:1000$")
    assert _user(app, "cadre").password_hash.startswith("scrypt:")


def test_a_duplicate_username_is_refused_and_nothing_created(app, admin, post, world):
    response = _create(post, world, username="cadre")
    assert response.status_code == 400
    assert "Tên đăng nhập này đã có người dùng." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 5


def test_a_bad_username_is_refused(admin, post, world):
    response = _create(post, world, username="Nguyễn Văn")
    assert response.status_code == 400


def test_edit_changes_role_unit_and_flags_and_audits(app, admin, post, world):
    path = f"/admin/users/{world.cadre}"
    response = post(path, data={"full_name": "Cán Bộ Thử", "role": "supervisor",
                                "unit_id": str(world.district_b), "locale": "en", "is_probationary": "y"})
    assert response.status_code == 302
    user = _user(app, "cadre")
    assert (user.role, user.unit_id, user.locale, user.is_probationary, user.is_full_time) == (
        "supervisor", world.district_b, "en", True, False)
    changes = _audit(app, "update")[0].details["changes"]
    assert changes["role"] == ["cadre", "supervisor"] and changes["is_full_time"] == [True, False]


def test_an_admin_cannot_change_their_own_role(app, admin, post, world):
    response = post(f"/admin/users/{world.admin}", data={
        "full_name": "Quản Trị Thử", "role": "cadre", "unit_id": str(world.province), "locale": "vi"})
    assert response.status_code == 400
    assert _user(app, "admin").role == "admin"


def test_deactivate_ends_sessions_and_device_tokens_at_once(app, make_app, admin, post, world):
    from server.tokens.services import issue_token

    with app.app_context():
        _token, secret = issue_token(db.session.get(User, world.cadre), "Điện thoại", 30)
        db.session.commit()
    other = make_app().test_client()
    assert other.get("/api/v1/bootstrap", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    from tests.conftest import AuthActions

    AuthActions(other).sign_in("cadre")
    assert other.get("/").status_code == 200

    assert post(f"/admin/users/{world.cadre}", f"/admin/users/{world.cadre}/deactivate").status_code == 302

    assert other.get("/api/v1/bootstrap", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert other.get("/").status_code == 302
    with app.app_context():
        assert not db.session.get(User, world.cadre).active
        assert db.session.scalar(select(func.count()).select_from(WebSession).where(
            WebSession.user_id == world.cadre)) == 0
        assert db.session.scalar(select(DeviceToken.revoked_at)) is not None
    assert _audit(app, "deactivate")[0].actor_id == world.admin
    assert "Cán Bộ Thử" in admin.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Cán Bộ Thử" not in admin.get("/admin/users").get_data(as_text=True)


def test_an_admin_cannot_deactivate_themselves(app, admin, post, world):
    assert post("/admin/users", f"/admin/users/{world.admin}/deactivate").status_code == 400
    assert _user(app, "admin").active


def test_reset_gives_a_one_time_password_and_signs_the_user_out(app, make_app, client, auth, admin, post,
                                                                world):
    from tests.conftest import AuthActions

    other = make_app().test_client()
    AuthActions(other).sign_in("cadre")
    response = post(f"/admin/users/{world.cadre}", f"/admin/users/{world.cadre}/reset-password")
    password = _SECRET.search(response.get_data(as_text=True)).group(1)
    assert other.get("/").status_code == 302  # signed out
    assert _audit(app, "reset_password")
    auth.sign_out()
    assert auth.sign_in("cadre", PASSWORD).status_code == 200  # the old password no longer works
    assert auth.sign_in("cadre", password).status_code == 302
    assert client.get("/").headers["Location"].endswith("/auth/password")


def test_a_temporary_password_cannot_get_a_device_token(app, client, admin, post, world):
    response = post(f"/admin/users/{world.cadre}", f"/admin/users/{world.cadre}/reset-password")
    password = _SECRET.search(response.get_data(as_text=True)).group(1)
    response = client.post("/api/v1/tokens", json={"username": "cadre", "password": password,
                                                   "device_name": "Điện thoại"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "password_change_required"


def test_reactivate_needs_a_new_password(app, admin, post, world):
    post(f"/admin/users/{world.cadre}", f"/admin/users/{world.cadre}/deactivate")
    response = post(f"/admin/users/{world.cadre}", f"/admin/users/{world.cadre}/reactivate")
    assert _SECRET.search(response.get_data(as_text=True))
    user = _user(app, "cadre")
    assert user.active and user.must_change_password


def test_users_change_their_own_password_with_the_current_one(app, client, auth, post, world):
    auth.sign_in("cadre")
    response = post("/auth/password", data={"current": "wrong-one", "new": "mật-khẩu-mới-1",
                                            "confirm": "mật-khẩu-mới-1"})
    assert response.status_code == 400 and "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    response = post("/auth/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert response.status_code == 400
    response = post("/auth/password", data={"current": PASSWORD, "new": "mật-khẩu-mới-1",
                                            "confirm": "mật-khẩu-khác-2"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, world.cadre).check_password(PASSWORD)
    response = post("/auth/password", data={"current": PASSWORD, "new": "mật-khẩu-mới-1",
                                            "confirm": "mật-khẩu-mới-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    with app.app_context():
        assert db.session.get(User, world.cadre).check_password("mật-khẩu-mới-1")
    assert _audit(app, "change_password")
