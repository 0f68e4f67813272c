"""The installable shell: manifest, service worker, precache."""

from __future__ import annotations

import json

from tests.browser.conftest import sign_in, wait_for_worker


def test_manifest_is_valid_linked_and_the_shell_is_cached(live_server, open_browser):
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    href = page.get_attribute("link[rel=manifest]", "href")
    response = page.request.get(live_server.url + href)
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text())
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert "cơ sở" in manifest["name"] and manifest["short_name"]
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        png = page.request.get(live_server.url + icon["src"])
        assert png.ok and png.body()[:8] == b"\x89PNG\r\n\x1a\n"

    wait_for_worker(page)
    sw = page.request.get(f"{live_server.url}/sw.js")
    assert sw.headers["cache-control"] == "no-cache"
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        const precache = names.find((n) => n.startsWith('dicoso-precache-'));
        const keys = (await (await caches.open(precache)).keys()).map((r) => new URL(r.url).pathname);
        return {names, keys};
    }""")
    keys = cached["keys"]
    assert any(k.endswith("/css/app.css") for k in keys)
    assert any(k.endswith("/js/app.js") for k in keys)
    assert any(k.endswith("/js/views/visit-form.js") for k in keys)
    assert any(k.endswith("/icons/icon-512.png") for k in keys)
    assert "/offline" in keys and "/manifest.webmanifest" in keys

    # Offline, a page never visited still opens (from the pages cached at install).
    context.set_offline(True)
    page.goto(f"{live_server.url}/visits/settings")
    assert page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/no/such/page")
    assert page.locator("h1").inner_text() == "Không có mạng"


def test_a_worker_installed_on_a_signed_in_page_keeps_nobodys_offline_page(live_server, open_browser):
    """The shell (with its offline page) is everyone's: fetched without cookies, it never holds the
    menu or id of whoever was signed in when the worker installed."""
    import re

    from tests.factories import PASSWORD

    context = open_browser()
    form = context.request.get(f"{live_server.url}/auth/sign-in").text()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    context.request.post(f"{live_server.url}/auth/sign-in",
                         form={"csrf_token": csrf, "username": "cadre", "password": PASSWORD})
    page = context.new_page()
    page.goto(f"{live_server.url}/visits/new")  # signed in already: the worker installs here
    assert page.get_attribute("body", "data-user-id") != ""
    wait_for_worker(page)
    offline = page.evaluate("""async () => {
        for (const name of await caches.keys()) {
            const copy = await (await caches.open(name)).match('/offline');
            if (copy) return copy.text();
        }
    }""")
    assert 'data-user-id=""' in offline and "data-sign-out" not in offline
