"""The app's own pages open from the cache at once whatever the network does, and refresh behind.

A "link that connects and never answers" is a route on the browser context that holds every
request (the service worker's own fetches included) until the test ends.
"""

from __future__ import annotations

import contextlib
import time
from datetime import date, timedelta

from sqlalchemy import update

from server.auth.models import User
from server.extensions import db
from server.planning.models import Placement
from tests.browser.conftest import PASSWORD, sign_in, wait_for_worker, wait_until


def _ready(live_server, open_browser, path="/visits/new"):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path=path)
    wait_for_worker(page)
    # and the first pull is done: until then "Các lượt của tôi" keeps the server's list and waits
    # for the pull (on a hung link, for ever) before it draws the device's own
    wait_until(page, """async () => {
        const {getMeta} = await import('/static/js/db.js');
        return (await getMeta(`cursor:${document.body.dataset.userId}`)) != null;
    }""")
    return context, page


def test_an_app_page_opens_from_the_cache_while_the_link_hangs(live_server, open_browser):
    context, page = _ready(live_server, open_browser)
    held = []
    context.route("**/*", lambda route: held.append(route))  # every request connects, no answer
    try:
        started = time.monotonic()
        page.goto(f"{live_server.url}/visits/", wait_until="commit")
        page.wait_for_selector("#visit-list[data-ready='true']")
        page.goto(f"{live_server.url}/visits/new", wait_until="commit")
        page.wait_for_selector("#visit-form[data-ready='true']")
        page.fill("#summary", "Gõ được ngay")  # interactive
        elapsed = time.monotonic() - started
        # The worker did ask the server (to refresh its copies) and is still waiting for it.
        assert any(route.request.url == f"{live_server.url}/visits/new" for route in held)
    finally:
        context.unroute_all(behavior="ignoreErrors")
        for route in held:
            with contextlib.suppress(Exception):  # the page may be gone already
                route.abort()
    # Two pages, both well before a 30 s hang would have ended (no tight bound: a noisy machine).
    assert elapsed < 20


def test_any_month_of_my_month_and_the_account_opens_from_the_cache(live_server, open_browser):
    """?month= is read by the pages' own scripts (drawn from the device's data): the cached page
    serves every month at once; the worker does not ask the network for that month first."""
    context, page = _ready(live_server, open_browser, path="/hearings/my-month")
    held = []
    context.route("**/*", lambda route: held.append(route))
    month = f"{date.today().year - 1}-11"
    try:
        page.goto(f"{live_server.url}/hearings/my-month?month={month}", wait_until="commit")
        page.wait_for_selector("#month-figures[data-phone='true']", state="attached")
        assert page.inner_text("#month-title").endswith(f"11/{date.today().year - 1}")
        page.goto(f"{live_server.url}/hearings/account?month={month}", wait_until="commit")
        page.wait_for_selector("#account-form[data-ready='true']")
        asked = [route.request.url for route in held]
        assert not [url for url in asked if "month=" in url], asked  # only the plain page, refreshed
    finally:
        context.unroute_all(behavior="ignoreErrors")
        for route in held:
            with contextlib.suppress(Exception):
                route.abort()


def test_a_token_left_to_revoke_does_not_hold_the_page_on_a_hung_link(live_server, open_browser):
    """A previous person's token still to revoke (a sign-out made offline) is revoked behind the page."""
    context, page = _ready(live_server, open_browser)
    page.evaluate("async () => (await import('/static/js/db.js')).setMeta('revoke', ['an-old-token'])")
    held = []
    context.route("**/*", lambda route: held.append(route))
    try:
        page.goto(f"{live_server.url}/visits/new", wait_until="commit")
        page.wait_for_selector("#visit-form[data-ready='true']")  # not after the request's 30 s
        assert any(route.request.url.endswith("/api/v1/tokens/current") for route in held)
    finally:
        context.unroute_all(behavior="ignoreErrors")
        for route in held:
            with contextlib.suppress(Exception):
                route.abort()


def test_a_page_changed_on_the_server_shows_at_the_next_navigation(live_server, open_browser, world):
    _context, page = _ready(live_server, open_browser)
    page.goto(f"{live_server.url}/")
    before = page.inner_text("h1")
    with live_server.app.app_context():
        db.session.execute(update(User).where(User.id == world.cadre).values(full_name="Tên Mới Đổi"))
        db.session.commit()

    page.goto(f"{live_server.url}/")  # the network works, yet the copy answers at once …
    assert page.inner_text("h1") == before
    # … and the worker refreshes it behind; the next navigation shows the server's page.
    wait_until(page, """async () => {
        const copy = await (await caches.open('dicoso-pages')).match('/');
        return copy && (await copy.text()).includes('Tên Mới Đổi');
    }""")
    page.goto(f"{live_server.url}/")
    assert "Tên Mới Đổi" in page.inner_text("h1")


def test_a_refresh_on_its_way_does_not_have_the_last_word(live_server, open_browser, world):
    """The worker's refresh of a page answered with what the server had before a change, and
    arrived after the next navigation asked for a refresh: that copy must not stay in the cache."""
    context, page = _ready(live_server, open_browser)
    page.goto(f"{live_server.url}/")
    home = f"{live_server.url}/"
    held = []

    def hold_first(route):
        if route.request.url == home and not held:
            held.append((route, route.fetch()))  # the server answers now; the answer arrives later
        else:
            route.continue_()

    context.route(home, hold_first)
    page.goto(home)  # from the cache; the worker's refresh is held on its way back
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the worker did not refresh the page"
    with live_server.app.app_context():
        db.session.execute(update(User).where(User.id == world.cadre).values(full_name="Tên Sau Cùng"))
        db.session.commit()
    page.goto(home)  # asks for another refresh while the first is on its way
    route, old_answer = held[0]
    route.fulfill(response=old_answer)
    wait_until(page, """async () => {
        const copy = await (await caches.open('dicoso-pages')).match('/');
        return copy && (await copy.text()).includes('Tên Sau Cùng');
    }""")
    context.unroute_all(behavior="ignoreErrors")


def test_a_fresh_form_page_keeps_what_was_typed(live_server, open_browser, world):
    _context, page = _ready(live_server, open_browser)
    assert page.locator("#placement_id").count() == 0
    start = date.today() - timedelta(days=1)
    with live_server.app.app_context():  # the server's form gains a field (a placement now exists)
        db.session.add(Placement(cadre_id=world.cadre, unit_id=world.commune_a2, start_date=start,
                                 end_date=start + timedelta(days=6), tasks=["Dự sinh hoạt"]))
        db.session.commit()
    page.goto(f"{live_server.url}/visits/new")  # the cached form, refreshed behind
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.fill("#summary", "Đang gõ dở trên trang cũ")
    wait_until(page, "async () => (await (await import('/static/js/db.js')).getAll('drafts'))"
                     ".find((d) => d.form === 'new')"
                     "?.fields?.summary")
    wait_until(page, """async () => {
        const copy = await (await caches.open('dicoso-pages')).match('/visits/new');
        return copy && (await copy.text()).includes('id="placement_id"');
    }""")
    page.goto(f"{live_server.url}/visits/")
    page.goto(f"{live_server.url}/visits/new")
    page.wait_for_selector("#visit-form[data-ready='true']")
    assert page.locator("#placement_id").count() == 1  # the new page …
    assert page.input_value("#summary") == "Đang gõ dở trên trang cũ"  # … with what was typed


def test_after_a_form_post_the_page_comes_from_the_server_with_its_message(live_server, open_browser):
    _context, page = _ready(live_server, open_browser)
    # Choosing English posts a form; the page it returns to is the server's, in English, at once.
    page.goto(f"{live_server.url}/visits/")
    page.click("button[name=lang][value=en]")
    page.wait_for_url(f"{live_server.url}/visits/")  # the ?fresh=1 marker is dropped again
    assert page.inner_text("h1") == "My visits"
    page.goto(f"{live_server.url}/")  # the other cached pages were Vietnamese: thrown away
    assert page.get_attribute("html", "lang") == "en"
    # A saved password is confirmed on the home page (a cached copy would have no message).
    page.goto(f"{live_server.url}/auth/password")
    page.fill("#current", PASSWORD)
    page.fill("#new", PASSWORD + "-new-1")
    page.fill("#confirm", PASSWORD + "-new-1")
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".flash-success").count() == 1
    page.goto(f"{live_server.url}/visits/")
    page.goto(f"{live_server.url}/")
    assert page.locator(".flash-success").count() == 0  # shown once, never kept in a copy


SHELL_OF = """async ([name, path]) => {
    const copy = await (await caches.open(name)).match(path);
    return copy ? copy.headers.get('X-Dicoso-Shell') : null;
}"""


def test_an_update_keeps_the_old_pages_until_it_takes_over(live_server, open_browser):
    """While a new worker waits, the old one serves its own pages with its own files (never a new
    page with old CSS and JS); the new worker's pages, fetched at install, replace them when it
    takes over."""
    _context, page = _ready(live_server, open_browser, path="/visits/")
    old = page.evaluate(SHELL_OF, ["dicoso-pages", "/visits/"])
    assert old
    live_server.app.config["PWA_VERSION_SALT"] = "a new release"
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.locator("#update-banner").wait_for()
    staged = page.evaluate(SHELL_OF, ["dicoso-pages-next", "/visits/"])
    assert staged and staged != old
    page.goto(f"{live_server.url}/visits/")  # the old worker answers, and refreshes behind …
    live_server.recorder.wait_idle()
    assert page.evaluate(SHELL_OF, ["dicoso-pages", "/visits/"]) == old  # … but keeps no new page
    page.locator("#update-banner").wait_for()
    with page.expect_navigation():  # the page reloads under the new worker
        page.click("#update-banner button")
    wait_until(page, "async () => !(await caches.has('dicoso-pages-next'))")
    assert page.evaluate(SHELL_OF, ["dicoso-pages", "/visits/"]) == staged
