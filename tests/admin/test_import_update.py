"""Imports that update: the same file twice changes nothing, a corrected file updates what it
corrects (and says what, before and after), Vietnamese column names work, passwords stay."""

from __future__ import annotations

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from server.units.models import Unit
from tests.admin.import_support import apply, apply_content, changes, count, keys, section, upload

# the world's units (tests/factories.py build_world) as a province would list them, and one more
UNITS = ("code,name,kind,parent_code\n"
         "T1,Tỉnh đoàn Thử,province,\n"
         "T1-A,Huyện đoàn A,district,T1\n"
         "T1-B,Huyện đoàn B,district,T1\n"
         "T1-A1,Đoàn xã A1,commune,T1-A\n"
         "T1-A2,Đoàn xã A2,commune,T1-A\n"
         "T1-B1,Đoàn xã B1,commune,T1-B\n"
         "T1-B2,Đoàn xã B2,commune,T1-B\n")
USERS = ("username,full_name,role,unit_code,full_time,probationary,language\n"
         "cadre,Cán Bộ Thử,cadre,T1-A,yes,no,vi\n"
         "cadre2,Cán Bộ Khác,cadre,T1-A,yes,no,vi\n"
         "moi,Cán Bộ Mới,cadre,T1-B,yes,no,vi\n")


def _units(app) -> dict[str, Unit]:
    with app.app_context():
        units = {u.code: u for u in db.session.scalars(select(Unit))}
        db.session.expunge_all()
        return units


def test_the_same_units_file_twice_is_all_unchanged_and_changes_nothing(app, admin, post, world):
    first = upload(post, "units", UNITS)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert keys(page, "new") == {"T1-B2"} and keys(page, "changed") == set()
    assert keys(page, "unchanged") == {"T1", "T1-A", "T1-B", "T1-A1", "T1-A2", "T1-B1"}
    assert apply(post, "units", page).status_code == 200
    before = _units(app)

    again = upload(post, "units", UNITS)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "import-errors-summary" not in page
    assert 'id="import-nothing"' in page and 'name="content"' not in page  # nothing to apply
    assert len(keys(page, "unchanged")) == 7 and not section(page, "new") and not section(page, "errors")
    # applying it anyway (a second click) writes nothing and says so
    entries = count(app, AuditEntry)
    response = apply_content(post, "units", UNITS)
    assert response.status_code == 200 and 'id="import-nothing"' in response.get_data(as_text=True)
    assert count(app, AuditEntry) == entries
    assert {c: (u.name, u.parent_id, u.path) for c, u in _units(app).items()} == {
        c: (u.name, u.parent_id, u.path) for c, u in before.items()}


def test_a_corrected_units_file_updates_what_it_corrects_and_says_what(app, admin, post, world):
    corrected = (UNITS.replace("Đoàn xã A2,commune", "Đoàn phường A2,ward")
                 .replace("T1-B1,Đoàn xã B1,commune,T1-B", "T1-B1,Đoàn xã B1,commune,T1-A")
                 .replace("T1-B,Huyện đoàn B,district,T1", "T1-B,Huyện đoàn B,district,T1-A"))
    response = upload(post, "units", corrected)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert keys(page, "changed") == {"T1-A2", "T1-B1", "T1-B"}
    assert changes(page, "T1-A2") == [("tên", "Đoàn xã A2", "Đoàn phường A2"), ("cấp", "Xã", "Phường")]
    assert changes(page, "T1-B") == [("đơn vị cấp trên", "T1", "T1-A")]
    assert keys(page, "unchanged") == {"T1", "T1-A", "T1-A1"} and keys(page, "new") == {"T1-B2"}
    assert count(app, Unit) == 6  # the dry run wrote nothing

    assert apply(post, "units", page).status_code == 200
    units = _units(app)
    assert (units["T1-A2"].name, units["T1-A2"].kind) == ("Đoàn phường A2", "ward")
    # moving a district moves its subtree: the paths below it follow
    a, b = units["T1-A"], units["T1-B"]
    assert b.parent_id == a.id and b.path == f"{a.path}{b.id}/"
    assert units["T1-B2"].path == f"{b.path}{units['T1-B2'].id}/"
    assert units["T1-B1"].parent_id == a.id and units["T1-B1"].path == f"{a.path}{units['T1-B1'].id}/"
    with app.app_context():
        updates = {e.entity_id: e.details for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update", AuditEntry.entity_type == "unit"))}
        assert set(updates) == {str(units[c].id) for c in ("T1-A2", "T1-B1", "T1-B")}
        assert updates[str(units["T1-A2"].id)]["changes"]["name"] == ["Đoàn xã A2", "Đoàn phường A2"]
        summary = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import")).details
        assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 3, 3)


def test_an_empty_optional_cell_or_a_missing_column_keeps_what_the_unit_has(app, admin, post, world):
    # no parent_code column at all, and a row with it empty: T1-A1 stays under T1-A
    for content in ("code,name,kind\nT1-A1,Đoàn xã A1,commune\n",
                    "code,name,kind,parent_code,valid_from\nT1-A1,Đoàn xã A1,commune,,\n"):
        page = upload(post, "units", content).get_data(as_text=True)
        assert keys(page, "unchanged") == {"T1-A1"}, page


def test_vietnamese_column_names_with_or_without_diacritics_in_any_case(app, admin, post, world):
    for header in ("Mã,Tên,Cấp,Đơn vị cha", "ma;ten;cap;don vi cha",
                   "MÃ ĐƠN VỊ,TÊN ĐƠN VỊ,LOẠI,MÃ_ĐƠN_VỊ_CẤP_TRÊN"):
        separator = ";" if ";" in header else ","
        content = header + "\n" + "T1-C;Huyện đoàn C;huyện;T1\n".replace(";", separator)
        response = upload(post, "units", content)
        assert response.status_code == 200, (header, response.get_data(as_text=True))
        assert keys(response.get_data(as_text=True), "new") == {"T1-C"}


def test_a_column_named_twice_in_two_languages_is_refused(admin, post, world):
    response = upload(post, "units", "code,mã,name,kind\nX1,X1,Một,commune\n")
    assert response.status_code == 400 and "code" in section(response.get_data(as_text=True), "problems")


def test_the_same_users_file_twice_is_all_unchanged(app, admin, post, world):
    page = upload(post, "users", USERS).get_data(as_text=True)
    assert keys(page, "new") == {"moi"} and keys(page, "unchanged") == {"cadre", "cadre2"}
    apply(post, "users", page)
    again = upload(post, "users", USERS)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and keys(page, "unchanged") == {"cadre", "cadre2", "moi"}
    assert 'name="content"' not in page


def test_a_changed_user_is_updated_and_keeps_their_password(app, admin, post, auth, world):
    with app.app_context():
        before = db.session.get(User, world.cadre)
        hash_before, must_change = before.password_hash, before.must_change_password
    content = ("Tên đăng nhập;Họ và tên;Vai trò;Mã đơn vị;Chuyên trách;Tập sự;Ngôn ngữ;Chức vụ\n"
               "cadre;Cán Bộ Thử;giám sát;T1-B;không;có;en;Phó Bí thư\n"
               "moi;Cán Bộ Mới;cán bộ;T1-B;;;;\n")
    response = upload(post, "users", content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert changes(page, "cadre") == [
        ("vai trò", "Cán bộ", "Giám sát"), ("đơn vị", "T1-A", "T1-B"), ("chuyên trách", "có", "không"),
        ("tập sự", "không", "có"), ("ngôn ngữ", "vi", "en"), ("chức vụ", "—", "Phó Bí thư")]
    done = apply(post, "users", page)
    text = done.get_data(as_text=True)
    assert "slip-username\">moi<" in text and "slip-username\">cadre<" not in text  # only the new one
    with app.app_context():
        cadre = db.session.get(User, world.cadre)
        assert (cadre.role, cadre.unit_id, cadre.is_full_time, cadre.is_probationary, cadre.locale,
                cadre.position) == ("supervisor", world.district_b, False, True, "en", "Phó Bí thư")
        assert (cadre.password_hash, cadre.must_change_password) == (hash_before, must_change)
        moi = db.session.scalar(select(User).where(User.username == "moi"))
        # a new user: the flags' empty cells read "no" (x/empty), no language is Vietnamese
        assert moi.must_change_password and not moi.is_full_time and moi.locale == "vi"
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.entity_type == "user"))
        assert entry.entity_id == str(world.cadre)
        assert entry.details["changes"]["role"] == ["cadre", "supervisor"]
    auth.sign_out()
    assert auth.sign_in("cadre").status_code == 302  # the old password still works


def test_an_admin_cannot_change_their_own_role_by_import(app, admin, post, world):
    response = upload(post, "users", "username,full_name,role,unit_code\nadmin,Quản Trị Thử,cadre,T1\n")
    assert response.status_code == 400
    assert "vai trò của chính mình" in section(response.get_data(as_text=True), "errors")
