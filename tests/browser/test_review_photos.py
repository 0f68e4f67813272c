"""A supervisor's browser shows the thumbnails of a visit's photos, and opens the full photo."""

from __future__ import annotations

import os
from datetime import date, timedelta

from server.extensions import db
from tests.api.support import issue_token
from tests.browser.conftest import sign_in, wait_for_worker
from tests.factories import make_visit
from tests.photos.support import add_photo, jpeg


def test_thumbnails_load_on_the_review_page_and_in_the_queue(live_server, open_browser, world):
    app = live_server.app
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, start=date.today() - timedelta(days=3),
                           summary="Dự sinh hoạt chi đoàn")
        db.session.commit()
        visit_id = str(visit.id)
    client = app.test_client()
    token = issue_token(client, "cadre")
    photos = [add_photo(client, token, visit_id, jpeg(w, h), caption=caption) for w, h, caption in
              ((1600, 1200, "Họp chi đoàn"), (900, 1600, ""), (1600, 900, "Sổ sách chi đoàn"))]
    page = open_browser().new_page()
    sign_in(page, live_server.url, "supa", next_path="/review/")
    wait_for_worker(page)  # the page as supervisors have it: under the app's service worker
    page.goto(f"{live_server.url}/review/")
    thumb = page.locator(f'li[data-id="{visit_id}"] img.queue-thumb')
    thumb.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    page.goto(f"{live_server.url}/review/visits/{visit_id}")
    images = page.locator(".photo-grid img")
    assert images.count() == 3
    for index in range(3):
        images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=images.nth(index).element_handle())
    sizes = page.evaluate("[...document.querySelectorAll('.photo-grid img')]"
                          ".map(i => [i.naturalWidth, i.naturalHeight])")
    assert sizes == [[320, 240], [180, 320], [320, 180]]
    if os.environ.get("DICOSO_SCREENSHOTS"):
        page.locator("#photos").screenshot(path=os.environ["DICOSO_SCREENSHOTS"] + "/review-photos.png")
    with page.context.expect_page() as opened:
        images.first.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.endswith(f"/api/v1/photos/{photos[0]}/file")
    assert full.evaluate("document.images[0].naturalWidth") == 1600
