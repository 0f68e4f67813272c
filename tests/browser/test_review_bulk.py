"""Bulk approval in Chromium: the queue asks in a dialog how many visits and whose before it
approves anything (Cancel approves nothing); confirmed, they are approved. Without JavaScript the
confirmation is a page. With DICOSO_SCREENSHOTS=<directory>, screenshots of the queue at an office
screen's and a phone's width are left there for a person to look at."""

from __future__ import annotations

import os

from sqlalchemy import select

from server.extensions import db
from server.visits.models import Visit
from tests.browser.conftest import sign_in
from tests.factories import make_visit


def _shot(page, name: str, full_page: bool = True) -> None:
    if os.environ.get("DICOSO_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["DICOSO_SCREENSHOTS"], name), full_page=full_page)


def _statuses(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Visit.status)))


def test_bulk_approval_asks_how_many_and_whose(live_server, open_browser, world):
    app = live_server.app
    with app.app_context():
        for _ in range(2):
            make_visit(world.cadre, world.commune_a1, summary="Dự sinh hoạt chi đoàn")
        make_visit(world.other_cadre, world.commune_a2, summary="Khảo sát mô hình")
        db.session.commit()
    context = open_browser("office", fast_sync=False)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, username="sup", next_path="/review/")
    page.wait_for_selector("#bulk-form[data-ready='true']")
    _shot(page, "queue-1280.png")

    page.click("#bulk-form button[name=all]")
    dialog = page.locator("dialog#bulk-dialog")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "Duyệt 3 lượt đi cơ sở?" in text
    assert "Cán Bộ Khác: 1 lượt" in text and "Cán Bộ Thử: 2 lượt" in text
    assert page.evaluate("document.activeElement.dataset.choice") == "cancel"
    _shot(page, "queue-dialog-1280.png", full_page=False)
    dialog.locator("button[data-choice=cancel]").click()
    assert page.locator("dialog#bulk-dialog").count() == 0
    assert _statuses(app) == ["submitted"] * 3  # cancelled: nothing approved

    # only the ticked ones: the dialog counts those
    page.locator("#queue-list input[name=selected]").first.check()
    page.click("#bulk-form button[name=selected-go]")
    assert "Duyệt 1 lượt đi cơ sở?" in page.locator("dialog#bulk-dialog").inner_text()
    page.keyboard.press("Escape")
    assert _statuses(app) == ["submitted"] * 3

    page.click("#bulk-form button[name=all]")
    page.locator("dialog#bulk-dialog button[data-choice=approve]").click()
    page.wait_for_selector(".flash-success")
    assert "Đã duyệt 3 lượt." in page.inner_text(".flash-success")
    assert _statuses(app) == ["approved"] * 3


def test_without_javascript_the_confirmation_is_a_page(live_server, open_browser, world):
    app = live_server.app
    with app.app_context():
        make_visit(world.cadre, world.commune_a1)
        db.session.commit()
    context = open_browser("nojs", fast_sync=False)
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, username="sup", next_path="/review/")
    _shot(page, "queue-360.png")
    page.locator("#queue-list input[name=selected]").first.check()
    # past the page's script, as a browser without JavaScript posts the form
    page.evaluate("document.getElementById('bulk-form').submit()")
    page.wait_for_selector("#bulk-confirm")
    assert "Duyệt 1 lượt?" in page.inner_text("h1")
    assert "Cán Bộ Thử" in page.inner_text("#bulk-confirm")
    assert _statuses(app) == ["submitted"]
    _shot(page, "bulk-confirm-360.png")
    page.click("#bulk-confirm button[name=confirmed]")
    page.wait_for_selector(".flash-success")
    assert _statuses(app) == ["approved"]
