"""Temporary passwords after a user import: one slip per person to print (name, username, password,
where to sign in), the same as CSV, said to be shown once, and kept nowhere on the server."""

from __future__ import annotations

import csv
import html
import io
import re

from sqlalchemy import select, text

from server.extensions import db
from tests.admin.import_support import apply, upload

USERS = ("username,full_name,role,unit_code\n"
         "nguyenvanmau,Nguyễn Văn Mẫu,cadre,T1-A1\n"
         "tranthithu,=Trần Thị Thử,cadre,T1-B1\n")  # a name a spreadsheet would read as a formula


def _slips(page: str) -> list[dict[str, str]]:
    found = []
    for slip in re.findall(r'<li class="slip">(.*?)</li>', page, re.S):
        fields = dict(re.findall(r'<dd[^>]*>(?:<code class="slip-(\w+)">)?([^<]*)', slip))
        name = re.search(r'<dd class="slip-name">([^<]*)</dd>', slip).group(1)
        url = re.search(r'<dd class="slip-url">([^<]*)</dd>', slip).group(1)
        found.append({"name": html.unescape(name), "username": fields["username"],
                      "password": fields["password"], "url": url})
    return found


def _import(post) -> str:
    response = apply(post, "users", upload(post, "users", USERS).get_data(as_text=True))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_one_slip_per_new_user_with_name_username_password_and_address(app, admin, post, world):
    page = _import(post)
    slips = _slips(page)
    assert [(s["name"], s["username"], s["url"]) for s in slips] == [
        ("Nguyễn Văn Mẫu", "nguyenvanmau", "http://localhost/auth/sign-in"),
        ("=Trần Thị Thử", "tranthithu", "http://localhost/auth/sign-in")]
    assert all(re.fullmatch(r"[a-z2-9]{14}", s["password"]) for s in slips)
    # said to be shown once, printable by a module and a print stylesheet, no inline script
    assert "chỉ hiển thị trên trang này, lúc này" in page and "dicoso không lưu lại" in page
    assert re.search(r'<link rel="stylesheet" href="[^"]*/css/admin-import\.css">', page)
    assert 'data-view="password-slips"' in page and "data-print" in page
    assert "onclick" not in page and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_the_slips_print_two_a_row_and_never_across_a_page(admin, post, world):
    page = _import(post)
    css = admin.get(re.search(r'<link rel="stylesheet" href="([^"]*/css/admin-import\.css)">', page).group(1))
    body = css.get_data(as_text=True)
    assert css.status_code == 200 and "@media print" in body
    printed = re.sub(r"\s+", "", body[body.index("@media print"):])  # served minified, or not
    assert "break-inside:avoid" in printed and "width:50%" in printed and ".no-print" in printed


def test_the_same_passwords_as_csv_posted_back_from_the_page(app, admin, post, world):
    page = _import(post)
    sheet = html.unescape(re.search(r'name="sheet" type="hidden" value="([^"]*)"', page).group(1))
    response = post("/admin/import/users", "/admin/import/users/passwords.csv", data={"sheet": sheet})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Họ và tên", "Tên đăng nhập", "Mật khẩu tạm", "Đăng nhập tại"]
    slips = _slips(page)
    assert rows[1:] == [[("'" if s["name"].startswith("=") else "") + s["name"], s["username"], s["password"],
                         s["url"]] for s in slips]


def test_a_bad_or_forged_sheet_is_refused(admin, post, world):
    for sheet in ("", "not json", "[]", '[["only two", "values"]]', '{"a": 1}'):
        response = post("/admin/import/users", "/admin/import/users/passwords.csv", data={"sheet": sheet})
        assert response.status_code == 400, sheet
    response = admin.post("/admin/import/users/passwords.csv", data={"sheet": '[["a", "b", "c"]]'})
    assert response.status_code == 400  # no CSRF token


def test_no_plain_password_is_kept_on_the_server_or_in_the_cookie(app, client, admin, post, world):
    page = _import(post)
    passwords = [s["password"] for s in _slips(page)]
    with app.app_context():  # every text of every table, the audit log's details included
        tables = db.session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if db.engine.dialect.name == "sqlite" else
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        dump = " ".join(str(row) for table in tables
                        for row in db.session.execute(text(f'SELECT * FROM "{table}"')).all())
    assert not any(password in dump for password in passwords)
    cookies = " ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    assert not any(password in cookies for password in passwords)
    # the page is gone once left: nothing serves the passwords again
    later = admin.get("/admin/import/users").get_data(as_text=True)
    assert not any(password in later for password in passwords)


def test_a_changed_user_gets_no_slip_and_an_import_without_new_users_no_sheet(app, admin, post, world):
    content = "username,full_name,role,unit_code\ncadre,Cán Bộ Đổi Tên,cadre,T1-A\n"
    response = apply(post, "users", upload(post, "users", content).get_data(as_text=True))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="slip"' not in page and 'name="sheet"' not in page
    with app.app_context():
        from server.auth.models import User

        assert db.session.scalar(select(User.full_name).where(User.username == "cadre")) == "Cán Bộ Đổi Tên"
