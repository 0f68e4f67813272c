"""A password change on the phone in hand: its device token and every other device's are revoked,
yet nothing waiting in an outbox is lost. The phone takes a new token from its web session and
sends its visits; the other phone keeps its visit and asks to sign in again, then sends it."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.models import DeviceToken
from server.extensions import db
from tests.browser.conftest import eventually, save_visit, sign_in, wait_for_worker, wait_pulled, wait_waiting
from tests.browser.helpers_db import summaries
from tests.factories import PASSWORD

NEW_PASSWORD = "mat-khau-moi-9"


def _phone(live_server, open_browser, profile: str):
    context = open_browser(profile)
    page = context.new_page()
    sign_in(page, live_server.url, next_path="/visits/new")
    wait_for_worker(page)
    # synced once: it holds a device token ("[data-last-sync]" is filled before that: "never sent")
    wait_pulled(page)
    return context, page


def _tokens(app) -> list[tuple[int, bool, int | None]]:
    with app.app_context():
        return [(t.id, t.revoked_at is None, t.web_session_id)
                for t in db.session.scalars(select(DeviceToken).order_by(DeviceToken.id))]


def test_a_password_change_revokes_every_token_and_loses_no_waiting_visit(live_server, open_browser, world):
    other_context, other = _phone(live_server, open_browser, "other-phone")
    _context, page = _phone(live_server, open_browser, "phone")
    assert [live for _id, live, _session in _tokens(live_server.app)] == [True, True]

    # both phones hold unsent visits: the other one offline, this one with the server refusing pushes
    other_context.set_offline(True)
    save_visit(other, summary="Máy kia, chưa gửi")
    wait_waiting(other, 1)
    live_server.recorder.fail_pushes.set()
    save_visit(page, summary="Máy này, chưa gửi 1")
    save_visit(page, summary="Máy này, chưa gửi 2")
    wait_waiting(page, 2)

    page.goto(f"{live_server.url}/auth/password")
    page.fill("#current", PASSWORD)
    page.fill("#new", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
    assert [live for _id, live, _session in _tokens(live_server.app)] == [False, False]

    # this phone: its token refused, a new one from its web session, its two visits sent once
    live_server.recorder.fail_pushes.clear()
    page.click("[data-sync-now]")
    wait_waiting(page, 0)
    assert summaries(live_server.app) == ["Máy này, chưa gửi 1", "Máy này, chưa gửi 2"]
    tokens = _tokens(live_server.app)
    assert len(tokens) == 3 and tokens[2][1] and tokens[2][2] is not None  # tied to this session
    assert page.locator("#auth-banner").is_hidden()

    # the other phone: back online, its token refused and its session ended; the visit waits
    other_context.set_offline(False)
    other.click("[data-sync-now]")
    other.locator("#auth-banner").wait_for(state="visible")
    wait_waiting(other, 1)
    other.goto(f"{live_server.url}/auth/sign-in?next=/visits/")
    other.fill("#username", "cadre")
    other.fill("#password", NEW_PASSWORD)
    other.click("button[type=submit].primary")
    other.wait_for_url(f"{live_server.url}/visits/")
    wait_waiting(other, 0)
    eventually(lambda: "Máy kia, chưa gửi" in summaries(live_server.app))
    assert sorted(summaries(live_server.app)) == ["Máy kia, chưa gửi", "Máy này, chưa gửi 1",
                                                  "Máy này, chưa gửi 2"]
