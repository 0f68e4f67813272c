"""The hearing page in Chromium: "In" prints (window.print, bound by a module: the CSP blocks inline
handlers), a conclusion typed before "Thêm định hướng" is still there after it, Enter in the new
direction adds it, and printing shows a document (no navigation, forms or buttons). With
DICOSO_SCREENSHOTS=<directory>, the page at 1280x800 and 360x740, its print layout and a PDF are
left there for a person to look at."""

from __future__ import annotations

import os
from datetime import date, timedelta

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.hearings.models import Direction, Hearing, HearingCadre
from server.hearings.services import give_direction, save_conclusion
from server.planning.models import Plan
from tests.browser.conftest import sign_in
from tests.factories import make_hearing, make_visit

# window.print opens a dialog a headless browser cannot answer: count the calls instead
STUB_PRINT = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


def _shot(page, name: str, full_page: bool = True) -> None:
    if os.environ.get("DICOSO_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["DICOSO_SCREENSHOTS"], name), full_page=full_page)


def _hearing(app, world) -> int:
    with app.app_context():
        db.session.add(Plan(year=date.today().year, title="Kế hoạch thử", minimum_days=30))
        make_visit(world.cadre, world.commune_a1, date.today() - timedelta(days=1), summary="Khảo sát",
                   topics=[world.topic])
        hearing_id = make_hearing(world, unit_id=world.district_a)
        hearing = db.session.get(Hearing, hearing_id)
        hearing.document_number = "12-BC/HĐTN"
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        save_conclusion(hearing, cadre, "Tích cực, nắm chắc cơ sở.", sup)
        give_direction(hearing, cadre, sup, text="Dự sinh hoạt chi đoàn thôn Bản Chắt",
                       due_date=date.today() + timedelta(days=40), unit_id=world.commune_a1,
                       topic_id=world.topic)
        db.session.commit()
    return hearing_id


def test_print_conclusion_and_layout(live_server, open_browser, world):
    app = live_server.app
    hearing_id = _hearing(app, world)
    context = open_browser("office", fast_sync=False)
    context.add_init_script(STUB_PRINT)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    url = f"{live_server.url}/hearings/{hearing_id}"
    sign_in(page, live_server.url, username="sup", next_path=f"/hearings/{hearing_id}")

    # "In": shown once its script has bound it, and it prints
    button = page.locator("[data-print]")
    button.wait_for(state="visible")
    button.click()
    assert page.evaluate("window.__printed") == 1
    section = f"#cadre-{world.cadre}"
    assert "Chủ đề: Chủ đề thử" in page.inner_text(f"{section} li.direction")
    _shot(page, "hearing-1280.png")

    # a conclusion typed, then a direction added: the conclusion is still there (and saved)
    page.fill(f"#conclusion-{world.cadre}", "Cần đến xã A2 thường xuyên hơn")
    page.fill(f"#text-{world.cadre}", "Khảo sát mô hình kinh tế thanh niên")
    page.select_option(f"#topic-{world.cadre}", label="Chủ đề thử")
    page.click(f"{section} form.direction-form button[type=submit]:not(.visually-hidden)")
    page.wait_for_selector(".flash-success")
    assert page.input_value(f"#conclusion-{world.cadre}") == "Cần đến xã A2 thường xuyên hơn"
    assert "Khảo sát mô hình kinh tế thanh niên" in page.inner_text(section)
    with app.app_context():
        assert db.session.scalar(select(HearingCadre.conclusion).where(
            HearingCadre.cadre_id == world.cadre)) == "Cần đến xã A2 thường xuyên hơn"

    # Enter in the new direction's due date adds it (not "Save the conclusion", which comes first)
    page.fill(f"#text-{world.cadre}", "Nộp báo cáo quý")
    page.focus(f"#due-{world.cadre}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{section} li.direction:has-text('Nộp báo cáo quý')")
    with app.app_context():
        assert len(db.session.scalars(select(Direction)).all()) == 3

    # "Lưu kết luận" with a direction typed but not added: saved, and the direction is still typed
    page.fill(f"#conclusion-{world.cadre}", "Hoàn thành tốt nhiệm vụ")
    page.fill(f"#text-{world.cadre}", "Viết báo cáo chuyên đề")
    page.click(f"{section} button[formaction$='/conclusion']")
    page.wait_for_selector(".flash-warning")
    assert page.input_value(f"#text-{world.cadre}") == "Viết báo cáo chuyên đề"
    assert page.input_value(f"#conclusion-{world.cadre}") == "Hoàn thành tốt nhiệm vụ"

    # on paper: no navigation, forms or buttons; the conclusion as text; the signature
    page.goto(url)
    page.emulate_media(media="print")
    for hidden in (".topbar", ".footer", "form", "button", "[data-print]", ".tabbar"):
        assert all(not box.is_visible() for box in page.locator(hidden).all()), hidden
    assert page.locator(f"{section} [data-conclusion]").is_visible()
    assert "Hoàn thành tốt nhiệm vụ" in page.inner_text(f"{section} [data-conclusion]")
    assert page.locator(".signature").is_visible()
    _shot(page, "hearing-print.png")
    if os.environ.get("DICOSO_SCREENSHOTS"):
        page.pdf(path=os.path.join(os.environ["DICOSO_SCREENSHOTS"], "hearing.pdf"), format="A4")
    page.emulate_media(media="screen")

    # a phone's width (the layout at each width is the desk pages' own test: tests/browser/test_layout.py)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(url)
    page.locator("[data-print]").wait_for(state="visible")
    _shot(page, "hearing-360.png")

    # opening a hearing: the month is a month picker; a month to come is refused by the server
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/hearings/")
    assert page.get_attribute("#month", "type") == "month"
    page.fill("#month", f"{date.today().year + 1}-01")
    page.click("form button.primary")
    page.wait_for_selector("#month-error:not([hidden])")
    assert page.inner_text("#month-error") == "Tháng không được ở tương lai."
    _shot(page, "hearings-open-1280.png")


def test_the_phone_shows_a_directions_topic(live_server, open_browser, world):
    """The cadre's directions as the phone draws them from its own copy (pwa/js/directions.js)."""
    app = live_server.app
    _hearing(app, world)
    context = open_browser("phone")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, next_path="/hearings/mine")
    item = page.locator("#directions-list li[data-direction]")
    item.wait_for()  # drawn from the device's data once the first sync has brought the direction
    topic = item.locator("[data-topic]")
    assert topic.get_attribute("data-topic") == str(world.topic)
    assert topic.inner_text() == "Chủ đề: Chủ đề thử"
    _shot(page, "directions-phone-360.png")
