"""The phone layout (360 × 740): the work first, "Save" always within reach, the menu under the thumb.

Checked on bounding boxes; the screenshots were looked at once by eye (docs/pwa.md, "Layout").
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import fill_visit, sign_in, wait_for_worker, wait_until, wait_waiting

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def _phone(live_server, open_browser, username="cadre", path="/visits/new"):
    context = open_browser()
    page = context.new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, username=username, next_path=path)
    return context, page


def _box(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def test_the_form_starts_at_once_and_save_is_on_screen_at_every_scroll_position(live_server, open_browser):
    _context, page = _phone(live_server, open_browser)
    page.wait_for_selector("#visit-form[data-ready='true']")
    # One line of top bar, then the title and the first field, without scrolling.
    assert _box(page, ".topbar")["height"] <= 56
    first = _box(page, "#unit_id")
    save = _box(page, "#visit-form button[type=submit]")
    assert first["y"] + first["height"] <= save["y"]
    # The topics take one line until opened.
    assert _box(page, "[data-field=topics] details")["height"] <= 60

    tabbar = _box(page, ".tabbar")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > PHONE["height"]  # the form is longer than the screen: the check means something
    for y in range(0, height, 120):
        page.evaluate(f"window.scrollTo(0, {y})")
        save = _box(page, "#visit-form button[type=submit]")
        assert save["y"] >= 0 and save["y"] + save["height"] <= tabbar["y"], f"scrolled to {y}: {save}"
        # and nothing lies on top of it (what a finger would hit is the button)
        assert page.evaluate("""() => {
            const button = document.querySelector('#visit-form button[type=submit]');
            const r = button.getBoundingClientRect();
            return button.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
        }"""), f"scrolled to {y}: the button is covered"
    # A field being typed into is brought above the bar, not left under it.
    page.evaluate("window.scrollTo(0, 0)")
    page.focus("#participants")
    field = _box(page, "#participants")
    assert field["y"] + field["height"] <= _box(page, ".form-actions")["y"]


def test_topics_fold_into_a_line_that_names_the_chosen_ones(live_server, open_browser):
    _context, page = _phone(live_server, open_browser)
    page.wait_for_selector("#visit-form[data-ready='true']")
    summary = page.locator("[data-field=topics] summary")
    assert summary.inner_text() == "Chưa chọn"
    assert not page.is_visible("input[name=topics]")
    summary.click()
    page.check("input[name=topics] >> nth=0")
    assert summary.inner_text() == "Chủ đề thử"
    # a draft put back after a reload names them too (filled by the script, no change event)
    wait_until(page, "async () => (await (await import('/static/js/db.js')).getAll('drafts'))"
                     ".find((d) => d.form === 'new')"
                     "?.fields?.topics?.length === 1")
    page.reload()
    page.wait_for_selector("#draft-message:not([hidden])")
    assert page.locator("[data-field=topics] summary").inner_text() == "Chủ đề thử"


def test_a_topics_error_opens_the_list(live_server, open_browser, world):
    _context, page = _phone(live_server, open_browser)
    page.wait_for_selector("#visit-form[data-ready='true']")
    # more topics than allowed: the checks in the page refuse it and open the list to show why
    page.evaluate("""() => {
        const box = document.querySelector('[data-field=topics] .choices');
        for (let i = 0; i < 25; i++) {
          const label = document.createElement('label');
          label.innerHTML = `<input type="checkbox" name="topics" value="${9000 + i}" checked> ${i}`;
          box.append(label);
        }
    }""")
    fill_visit(page)
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("[data-field=topics].has-error")
    assert page.get_attribute("[data-field=topics] details", "open") is not None


def test_the_status_chip_says_offline_and_what_waits(live_server, open_browser):
    context, page = _phone(live_server, open_browser)
    wait_for_worker(page)
    chip = page.locator("[data-chip]")
    page.wait_for_selector("[data-chip][data-state='sent']")
    assert chip.inner_text().replace("\n", " ") == "Có mạng · 0 chờ gửi"
    # nothing waits from the start: wait until the first sync has been (it sets "last sync")
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')", state="attached")
    context.set_offline(True)
    page.wait_for_selector("[data-chip][data-state='offline']")
    fill_visit(page)
    page.click("#visit-form button[type=submit]")
    wait_waiting(page, 1)
    assert chip.inner_text().replace("\n", " ") == "Không có mạng · 1 chờ gửi"
    assert _box(page, "[data-chip]")["height"] <= 40  # a chip, not a bar
    # the last sync is one tap away
    assert not page.is_visible("[data-last-sync]")
    chip.click()
    assert page.is_visible("[data-last-sync]") and "Gửi lần cuối" in page.inner_text("[data-last-sync]")
    context.set_offline(False)
    page.wait_for_selector("[data-chip][data-state='sent']")
    assert chip.inner_text().replace("\n", " ") == "Có mạng · 0 chờ gửi"


def test_the_bottom_menu_on_a_phone_and_the_full_menu_on_a_laptop(live_server, open_browser):
    _context, page = _phone(live_server, open_browser, path="/")
    assert page.is_visible(".tabbar") and not page.is_visible(".topnav")
    assert page.get_attribute(".tabbar a[href='/']", "aria-current") == "page"
    page.click(".tabbar a[href='/visits/']")
    page.wait_for_url(f"{live_server.url}/visits/")
    assert page.get_attribute(".tabbar a[href='/visits/']", "aria-current") == "page"
    # "More": the other places and signing out, in a sheet above the bar
    assert not page.is_visible(".sheet") and not page.is_visible("form[data-sign-out] button")
    page.click(".tabbar summary")
    assert page.is_visible("form[data-sign-out] button")
    page.click(".sheet a[href='/visits/settings']")
    page.wait_for_url(f"{live_server.url}/visits/settings")
    page.click(".tabbar summary")
    page.keyboard.press("Escape")
    assert not page.is_visible(".sheet")
    # four places and "More" for a cadre: home, record, my visits, my directions
    assert page.locator(".tabbar > ul > li > a").count() == 4

    page.set_viewport_size(LAPTOP)
    assert not page.is_visible(".tabbar") and page.is_visible(".topnav")
    assert page.locator(".topnav a").count() == 5  # home, record, my visits, my directions, settings
    assert page.is_visible("form[data-sign-out] button") and page.is_visible("[data-last-sync]")


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_supervisor_pages_fit_the_screen(live_server, open_browser, world, size):
    from tests.factories import make_visit

    with live_server.app.app_context():
        from server.extensions import db

        visit_id = make_visit(world.cadre, world.commune_a1).id
        db.session.commit()
    context = open_browser()
    page = context.new_page()
    page.set_viewport_size(size)
    sign_in(page, live_server.url, username="admin", next_path="/review/")
    pages = ["/review/", f"/review/visits/{visit_id}", "/reports/", "/hearings/", "/admin/", "/audit/",
             "/", "/visits/new", "/visits/"]
    for path in pages:
        page.goto(live_server.url + path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= size["width"], f"{path} is {wide} px wide on a {size['width']} px screen"
        assert page.locator("h1").count() == 1
        # the top bar is one line on a phone (two on a laptop: the whole menu); the title follows
        assert _box(page, ".topbar")["height"] <= (56 if size is PHONE else 110), path
        assert _box(page, "h1")["y"] < size["height"] / 3, path
    if size is PHONE:
        assert page.get_attribute(".tabbar a[href='/review/']", "aria-current") is None
        page.goto(f"{live_server.url}/review/visits/{visit_id}")
        assert page.get_attribute(".tabbar a[href='/review/']", "aria-current") == "true"  # its section


def test_visit_states_read_apart_in_words_and_colours(live_server, open_browser):
    _context, page = _phone(live_server, open_browser, path="/visits/")
    styles = page.evaluate("""() => {
        const states = ['waiting', 'submitted', 'approved', 'returned', 'invalid', 'conflict', 'locked'];
        const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const luminance = (c) => {
          const [r, g, b] = c.map((v) => v / 255)
            .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        return states.map((state) => {
          const badge = document.createElement('span');
          badge.className = `badge badge-${state}`;
          badge.textContent = state;
          document.querySelector('main').append(badge);
          const style = getComputedStyle(badge);
          const [fg, bg] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
          const contrast = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          return {state, contrast, look: `${style.backgroundColor} ${style.borderTopStyle} ${style.color}`};
        });
    }""")
    for style in styles:
        assert style["contrast"] >= 4.5, style
    assert len({style["look"] for style in styles}) == len(styles)  # no two look alike


def test_my_visits_keeps_the_servers_list_until_the_device_has_pulled(live_server, open_browser, world):
    """No "no visits yet" drawn over the server's list (and no jump when the pull lands)."""
    from server.extensions import db
    from tests.factories import make_visit

    with live_server.app.app_context():
        make_visit(world.cadre, world.commune_a1)
        db.session.commit()
    context = open_browser()
    context.route("**/api/**", lambda route: route.abort())  # the device cannot pull yet
    page = context.new_page()
    sign_in(page, live_server.url, next_path="/visits/")
    page.wait_for_selector("[data-chip]:not(:empty)")  # the page's script has run its first round
    page.evaluate("async () => { await (await import('/static/js/sync.js')).changed(); }")
    assert page.locator("#visit-list li[data-id]").count() == 1
    context.unroute_all()
    page.evaluate("async () => { await (await import('/static/js/sync.js')).syncNow(); }")
    page.wait_for_selector("#visit-list[data-ready='true'] li[data-state='submitted']")
    assert page.locator("#visit-list li[data-id]").count() == 1
