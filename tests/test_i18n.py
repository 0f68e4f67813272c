"""Vietnamese first, English second; dd/mm/yyyy; every catalog complete and compiled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from server.auth.models import User
from server.extensions import db
from server.i18n import format_dmy
from tests.helpers import csrf_token

SERVER = Path(__file__).resolve().parent.parent / "server"
PO_FILES = sorted(SERVER.glob("**/translations/vi/LC_MESSAGES/messages.po"))


def test_a_user_who_chose_english_gets_english(app, client, auth, world):
    with app.app_context():
        db.session.get(User, world.cadre).locale = "en"
        db.session.commit()
    auth.sign_in("cadre")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign out" in page


def test_the_same_page_in_vietnamese(client, auth, world):
    auth.sign_in("cadre")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đăng xuất" in page


def test_language_switch_is_kept_for_the_user(app, client, auth, world):
    auth.sign_in("cadre")
    client.post("/auth/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})
    assert "Sign out" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.cadre).locale == "en"


def test_language_switch_before_sign_in(client):
    client.post("/auth/language", data={"lang": "en", "csrf_token": csrf_token(client, "/auth/sign-in")})
    assert "Username" in client.get("/auth/sign-in").get_data(as_text=True)


def test_dates_are_day_month_year(app):
    with app.test_request_context():
        assert format_dmy(date(2025, 7, 1)) == "01/07/2025"


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(SERVER)))
def test_catalog_is_translated_and_compiled(po_path: Path):
    with po_path.open("rb") as f:
        catalog = read_po(f, locale="vi")
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple)
                                                              else [m.string])]
    assert untranslated == [], "fill in msgstr, then run: python -m server.catalogs"
    with po_path.with_suffix(".mo").open("rb") as f:
        compiled = read_mo(f)
    assert _messages(compiled) == _messages(catalog), "the .mo is stale: run python -m server.catalogs"


def _messages(catalog) -> dict:
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


#: msgids translated differently by two features' catalogs when this test was written. The app loads
#: every catalog into one, so one translation wins everywhere (the audit log's "Open" read as a
#: direction's "Đang thực hiện", the export's "Received" as the visit page's "Nhận lúc"). Fix one by
#: giving the strings distinct msgids (or a msgctxt), then drop it from here.
KNOWN_CLASHES: set[str] = set()  # every earlier clash was resolved: keep it empty


def test_no_new_msgid_means_two_things():
    translations: dict[tuple, set[str]] = {}
    for po_path in PO_FILES:
        with po_path.open("rb") as f:
            for message in read_po(f, locale="vi"):
                if message.id and isinstance(message.id, str):
                    translations.setdefault((message.context, message.id), set()).add(str(message.string))
    clashes = {msgid for (_context, msgid), strings in translations.items() if len(strings) > 1}
    assert clashes <= KNOWN_CLASHES, sorted(clashes - KNOWN_CLASHES)
