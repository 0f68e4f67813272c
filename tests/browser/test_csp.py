"""Chromium reports no Content-Security-Policy violation on the main pages, online and offline."""

from __future__ import annotations

from tests.browser.conftest import sign_in, wait_for_worker

# Registered before any page script: every violation of this document is kept in window.__csp.
_LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
# the two-factor set-up draws its QR code as inline SVG: no image, no inline style
CADRE_PAGES = ["/", "/visits/new", "/visits/", "/visits/placement", "/visits/settings", "/auth/password",
               "/auth/two-factor/", "/auth/two-factor/setup"]
ADMIN_PAGES = ["/", "/review/", "/reports/", "/reports/year", "/reports/coverage", "/reports/placements",
               "/audit/", "/admin/", "/admin/users", "/admin/units", "/admin/plans", "/admin/topics",
               "/auth/two-factor/"]


def _violations(page, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__csp")
        if violations:
            found[path] = violations
    return found


def test_no_csp_violation_on_the_main_pages(live_server, open_browser):
    context = open_browser()
    context.add_init_script(_LISTEN)
    console: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url, "cadre", "/visits/new")
    wait_for_worker(page)
    assert _violations(page, live_server.url, CADRE_PAGES) == {}
    # the pages the service worker kept answer offline under the same policy
    context.set_offline(True)
    assert _violations(page, live_server.url, ["/", "/visits/new", "/visits/"]) == {}
    context.set_offline(False)

    admin_context = open_browser("admin-profile")
    admin_context.add_init_script(_LISTEN)
    admin = admin_context.new_page()
    admin.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(admin, live_server.url, "admin", "/")
    assert _violations(admin, live_server.url, ADMIN_PAGES) == {}
    assert console == []
