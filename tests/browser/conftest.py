"""Real Chromium against a live server on a free 127.0.0.1 port, one fresh database per test.

Chromium is Debian's (/usr/bin/chromium); Playwright's own browser download does not work here.
On a machine without it, Playwright's bundled Chromium is used if installed, else the tests skip.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, TOTP_SECRET

playwright_api = pytest.importorskip("playwright.sync_api")

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# Sync timings shortened for tests (the app's defaults are 60 s, backing off to 5 min).
FAST_SYNC = "window.DICOSO_SYNC_TIMING = {interval: 1500, retryBase: 300, retryMax: 1500};"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


class Recorder:
    """WSGI middleware: counts the visits each push carries; can cut the line after one is applied."""

    def __init__(self, app):
        self.app = app
        self.pushed_ids: list[str] = []
        self.cut_after_next_push = threading.Event()
        self.push_applied_then_cut = threading.Event()
        self.refuse_pushes = threading.Event()
        # hold_pushes: the next pushes wait (push_held is set) until release_pushes is set.
        self.hold_pushes = threading.Event()
        self.push_held = threading.Event()
        self.release_pushes = threading.Event()
        # fail_pushes: pushes answer 503 (the server busy) without reaching the app;
        # delivered_ids: the visits of the pushes that did reach it
        self.fail_pushes = threading.Event()
        self.delivered_ids: list[str] = []
        self.last_request_at = time.monotonic()

    def wait_idle(self, quiet: float = 0.5, timeout: float = 10) -> None:
        """Wait until no request has arrived for ``quiet`` seconds (the worker's cache writes
        that follow its last fetches are done), so closing the browser cuts nothing short."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self.last_request_at < quiet:
            if time.monotonic() > deadline:
                raise AssertionError("the browser kept fetching")
            time.sleep(0.05)

    def __call__(self, environ, start_response):
        self.last_request_at = time.monotonic()
        if environ["PATH_INFO"] != "/api/v1/sync/push" or environ["REQUEST_METHOD"] != "POST":
            return self.app(environ, start_response)
        ids: list[str] = []
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        with contextlib.suppress(ValueError, AttributeError, OSError):
            raw = gzip.decompress(body) if environ.get("HTTP_CONTENT_ENCODING") == "gzip" else body
            ids = [v.get("id") for v in json.loads(raw).get("visits", [])]
        self.pushed_ids.extend(ids)
        if self.fail_pushes.is_set():
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "busy", "message": "busy", "fields": {}}}']
        self.delivered_ids.extend(ids)
        if self.hold_pushes.is_set():
            self.push_held.set()
            self.release_pushes.wait(30)  # the request is in flight until the test lets it go
        if self.push_applied_then_cut.is_set() and self.refuse_pushes.is_set():
            self._cut(environ)  # until the test says so, as if the server were gone
        if not self.cut_after_next_push.is_set():
            return self.app(environ, start_response)
        # The server applies and commits the push, then the connection drops before the answer.
        self.cut_after_next_push.clear()
        response = self.app(environ, lambda *args, **kwargs: (lambda data: None))
        b"".join(response)
        getattr(response, "close", lambda: None)()
        self.refuse_pushes.set()
        self.push_applied_then_cut.set()
        self._cut(environ)

    @staticmethod
    def _cut(environ):
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionAbortedError("test: connection cut")


class LiveServer:
    """The app served by werkzeug in a thread; can be stopped and started again on the same port."""

    def __init__(self, app):
        self.app = app
        self.recorder = Recorder(app)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self.recorder, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None


@pytest.fixture
def live_server(make_app, world) -> Iterator[LiveServer]:
    server = LiveServer(make_app())
    server.start()
    yield server
    server.stop()


def _executable() -> str | None:
    if os.path.exists(SYSTEM_CHROMIUM):
        return SYSTEM_CHROMIUM
    return None  # Playwright's bundled Chromium, if it was installed


@pytest.fixture(scope="session")
def playwright_instance():
    with playwright_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def open_browser(playwright_instance, tmp_path) -> Iterator[Callable]:
    """Open a persistent Chromium context on a profile directory (reopen the same one later)."""
    contexts = []

    def launch(profile: str = "profile", fast_sync: bool = True, offline: bool = False):
        # offline=True cuts the network from the first moment: a reopened profile's service
        # worker can wake (and sync) before a later set_offline(True) reaches it.
        try:
            context = playwright_instance.chromium.launch_persistent_context(
                str(tmp_path / profile), executable_path=_executable(), args=CHROMIUM_ARGS,
                headless=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True,
                offline=offline)
        except playwright_api.Error as error:
            if _executable() is None:
                pytest.skip(f"no Chromium: install Debian's chromium or run "
                            f"`playwright install chromium` ({error})")
            raise
        context.set_default_timeout(15000)
        if fast_sync:
            context.add_init_script(FAST_SYNC)
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        with contextlib.suppress(playwright_api.Error):
            context.close()


def sign_in(page, base_url: str, username: str = "cadre", next_path: str = "/visits/new") -> None:
    page.goto(f"{base_url}/auth/sign-in?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    type_code_if_asked(page, username)
    page.wait_for_url(f"{base_url}{next_path}")


def type_code_if_asked(page, username: str) -> None:
    """The world's admin and supervisors sign in with a second factor: type the current code on the
    code page. (The current step's code: signing one of them in twice within 30 s would need the
    next one.)"""
    # The click only starts the post: wait until the browser has left the sign-in page, or a quick
    # look at page.url still finds it there and the code is never typed.
    page.wait_for_url(lambda url: urlsplit(url).path != "/auth/sign-in")
    page.wait_for_load_state()
    if "/auth/two-factor/code" not in page.url:  # no second factor for this account
        return
    page.fill("#code", pyotp.TOTP(TOTP_SECRET).now())
    page.click("button[type=submit].primary")
    # signed in only once the answer to that post has arrived: a goto before then cancels it
    page.wait_for_url(lambda url: urlsplit(url).path != "/auth/two-factor/code")
    page.wait_for_load_state()


def wait_for_worker(page) -> None:
    """Wait until a service worker controls the page and the offline pages are cached."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        # A page whose load began before the worker activated may miss clients.claim();
        # as on a real first visit, the next load is controlled.
        page.reload()
    try:
        page.wait_for_function("navigator.serviceWorker.controller !== null")
    except playwright_api.TimeoutError:
        state = page.evaluate("""async () => {
            const r = await navigator.serviceWorker.getRegistration();
            return r && [r.installing?.state, r.waiting?.state, r.active?.state];
        }""")
        raise AssertionError(f"no service worker controls the page: {state}") from None
    wait_until(page, """async () => {
        const cache = await caches.open('dicoso-pages');
        const pages = ['/', '/visits/new', '/visits/', '/visits/placement', '/visits/settings',
                       '/hearings/mine', '/hearings/account'];
        return (await Promise.all(pages.map((url) => cache.match(url)))).every(Boolean);
    }""")


def wait_until(page, async_function: str, timeout: float = 15) -> None:
    """Wait until an async page function resolves to something truthy.

    Not page.wait_for_function: it takes the promise an async function returns as its (truthy)
    answer and returns at once, so it never waited for what the function checks."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(async_function):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {async_function}")
        page.wait_for_timeout(50)


def wait_pulled(page) -> None:
    """Wait until the device has its bootstrap and has pulled the server's visits once (the views
    drawn from the device leave the server's lists in place until then)."""
    wait_until(page, """async () => {
        const sync = await import('/static/js/sync.js');
        const {getMeta} = await import('/static/js/db.js');
        return Boolean(await sync.bootstrapData()) && (await getMeta(`cursor:${sync.userId}`)) != null;
    }""")


def waiting_count(page) -> int:
    return int(page.get_attribute("[data-waiting]", "data-waiting") or -1)


def wait_waiting(page, n: int) -> None:
    page.wait_for_selector(f"[data-waiting='{n}']")


def a_recent_day() -> str:
    """Yesterday, or today on the 1st of January: a day in this year's plan, never asked about."""
    from datetime import date, timedelta

    yesterday = date.today() - timedelta(days=1)
    return (yesterday if yesterday.year == date.today().year else date.today()).isoformat()


def fill_visit(page, unit: str = "Đoàn xã A1", day: str | None = None, summary: str = "Khảo sát") -> None:
    day = day or a_recent_day()
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.select_option("#unit_id", label=unit)
    page.fill("#start_date", day)
    page.fill("#end_date", day)
    page.check("input[name=form][value=survey]")
    page.fill("#summary", summary)


def save_visit(page, **kwargs) -> None:
    fill_visit(page, **kwargs)
    saved = int(page.get_attribute("#visit-form", "data-saved") or 0)
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(f"#visit-form[data-saved='{saved + 1}']")


def eventually(check: Callable[[], bool], timeout: float = 15) -> None:
    """Wait until a server-side condition holds (polling the database, not sleeping blindly)."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
