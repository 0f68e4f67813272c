"""CSV import: dry run changes nothing, one bad row applies nothing, BOM and ';' files both work."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from server.units.models import Unit
from tests.admin.import_support import apply as _apply
from tests.admin.import_support import count as _count
from tests.admin.import_support import keys, lines, section
from tests.admin.import_support import upload as _upload

UNITS = ("code,name,kind,parent_code,valid_from\r\n"
         "T1-C1,Đoàn xã Mới Một,commune,T1-C,01/07/2025\r\n"
         "T1-C,Huyện đoàn C,district,T1,2025-07-01\r\n"
         "T1-C2,Đoàn phường Mới Hai,Phường,T1-C,\r\n")


def test_units_dry_run_changes_nothing_then_apply_creates_them_parents_first(app, admin, post, world):
    response = _upload(post, "units", UNITS)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đoàn xã Mới Một" in page
    assert _count(app, Unit) == 6  # the dry run wrote nothing
    response = _apply(post, "units", page)
    assert response.status_code == 200
    with app.app_context():
        units = {u.code: u for u in db.session.scalars(select(Unit))}
        assert units["T1-C1"].parent_id == units["T1-C"].id and units["T1-C"].parent_id == units["T1"].id
        assert units["T1-C1"].path.startswith(units["T1-C"].path)
        assert units["T1-C2"].kind == "ward"
        details = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import")).details
        assert details["rows"] == 3 and sorted(details["codes"]) == ["T1-C", "T1-C1", "T1-C2"]


def test_one_bad_row_applies_nothing_and_every_bad_row_is_listed(app, admin, post, world):
    bad = UNITS + "T1-A1,Trùng mã,commune,T1,\r\n,Không mã,làng,T9,32/13/2025\r\n"
    response = _upload(post, "units", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert lines(page, "errors") == {"—": 6}  # T1-A1 exists: line 5 updates it, which is no fault
    assert lines(page, "changed") == {"T1-A1": 5}
    errors = section(page, "errors")
    assert "làng" in errors and "T9" in errors and "32/13/2025" in errors and "mã" in errors
    assert 'name="content"' not in page  # no way to apply
    assert _count(app, Unit) == 6


def test_apply_checks_again_and_refuses_a_bad_file(app, admin, post, world):
    response = post("/admin/import/units", "/admin/import/units/apply",
                    data={"content": "code,name,kind\r\nX1,Mới,commune\r\nX1,Trùng,commune\r\n"})
    assert response.status_code == 400
    assert _count(app, Unit) == 6


def test_excel_semicolons_and_a_bom_work(app, admin, post, world):
    content = "\ufeff" + UNITS.replace(",", ";")
    response = _upload(post, "units", content.encode("utf-8"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Đoàn phường Mới Hai" in response.get_data(as_text=True)


def test_a_file_that_is_not_utf8_is_explained(admin, post, world):
    # "Đoàn" as Excel's "CSV (comma delimited)" writes it on a Vietnamese Windows (cp1258)
    response = _upload(post, "units", "code,name,kind\r\nX1,Đoàn,commune\r\n".encode("cp1258"))
    assert response.status_code == 400 and "CSV UTF-8" in response.get_data(as_text=True)


def test_missing_columns_are_named(admin, post, world):
    response = _upload(post, "units", "code;name\r\nX1;Đoàn xã\r\n")
    assert response.status_code == 400 and "kind" in response.get_data(as_text=True)


def test_a_parent_loop_is_refused(app, admin, post, world):
    response = _upload(post, "units", "code,name,kind,parent_code\r\nX1,A,commune,X2\r\nX2,B,commune,X1\r\n")
    assert response.status_code == 400
    assert _count(app, Unit) == 6


USERS = ("username,full_name,role,unit_code,full_time,probationary,language\n"
         "nguyenvanmau,Nguyễn Văn Mẫu,cadre,T1-A1,yes,no,vi\n"
         "tranthithu,Trần Thị Thử,Cán bộ,T1-B1,không,có,en\n")


def test_users_import_gives_temporary_passwords_shown_once(app, client, auth, admin, post, world):
    response = _upload(post, "users", USERS)
    assert response.status_code == 200
    assert _count(app, User) == 5
    response = _apply(post, "users", response.get_data(as_text=True))
    assert response.headers["Cache-Control"] == "no-store"
    passwords = slips(response.get_data(as_text=True))
    assert set(passwords) == {"nguyenvanmau", "tranthithu"}
    with app.app_context():
        thu = db.session.scalar(select(User).where(User.username == "tranthithu"))
        assert (thu.is_full_time, thu.is_probationary, thu.locale, thu.must_change_password) == (
            False, True, "en", True)
        assert thu.unit_id == world.commune_b1
    auth.sign_out()
    assert auth.sign_in("tranthithu", passwords["tranthithu"]).status_code == 302
    assert client.get("/").headers["Location"].endswith("/auth/password")


def slips(page: str) -> dict[str, str]:
    """``{username: temporary password}`` as the slips after an import show them."""
    found = re.findall(r'<code class="slip-username">([a-z0-9._-]+)</code>.*?'
                       r'<code class="slip-password">([a-z0-9]+)</code>', page, re.S)
    return dict(found)


def test_users_bad_rows(app, admin, post, world):
    bad = USERS + ("cadre,Cán Bộ Thử,boss,T1-A1,yes,no,vi\n"
                   "Người Mới,,boss,T9,maybe,no,fr\n"
                   "nguyenvanmau,Lặp,cadre,T1,,,\n")
    page = _upload(post, "users", bad).get_data(as_text=True)
    errors = sorted(lines(page, "errors").values())
    assert errors == [4, 5, 6]  # an existing user's bad row is bad too
    assert keys(page, "new") == {"nguyenvanmau", "tranthithu"}
    assert 'name="content"' not in page
    assert _count(app, User) == 5


def test_templates_download_with_a_bom(admin, world):
    for kind, first in (("units", "code,name,kind,parent_code,valid_from"),
                        ("users", "username,full_name,role,unit_code,full_time,probationary,language")):
        response = admin.get(f"/admin/import/{kind}/template.csv")
        assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
        assert response.get_data(as_text=True).startswith("\ufeff" + first)


def test_the_template_itself_imports(app, admin, post, world):
    units = admin.get("/admin/import/units/template.csv").get_data()
    page = _upload(post, "units", units).get_data(as_text=True)
    _apply(post, "units", page)
    users = admin.get("/admin/import/users/template.csv").get_data()
    response = _upload(post, "users", users)
    assert response.status_code == 200, response.get_data(as_text=True)
