""""Tháng của tôi" and the monthly account on the phone, for any recent month, offline: drawn
from the device's own data, the same figures as the server's page, and redrawn in place when a
sync changes them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.extensions import db
from server.hearings.models import MonthlyAccount
from server.visits.models import VisitStatus
from tests.browser.conftest import save_visit, sign_in, wait_for_worker, wait_pulled, wait_waiting
from tests.factories import make_visit


def _months() -> tuple[date, date]:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the test browser's today
    this = today.replace(day=1)
    last = date(this.year - 1, 12, 1) if this.month == 1 else this.replace(month=this.month - 1)
    return last, this




def _figure(page, name: str) -> str:
    return page.inner_text(f"#month-figures [data-figure={name}]")


def test_an_earlier_month_opens_offline_with_its_figures_and_account(live_server, open_browser, world):
    last, this = _months()
    key = f"{last:%Y-%m}"
    with live_server.app.app_context():
        make_visit(world.cadre, world.commune_a1, last.replace(day=10), days=2, status=VisitStatus.APPROVED)
        make_visit(world.cadre, world.commune_a2, last.replace(day=11), findings="Thiếu sổ sách")
        make_visit(world.cadre, world.commune_a2, last.replace(day=20), status=VisitStatus.RETURNED)
        db.session.add(MonthlyAccount(id=uuid.uuid4(), cadre_id=world.cadre, month=last,
                                      went_well="Đã họp chi đoàn", difficulties="Đường xa", proposals=""))
        db.session.commit()

    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url, next_path=f"/hearings/my-month?month={key}")
    server_days = page.inner_text("#month-figures [data-figure=days]")
    assert server_days == "2"  # 10–11 once, the returned visit never
    wait_for_worker(page)
    wait_pulled(page)

    context.set_offline(True)
    page.goto(f"{live_server.url}/hearings/my-month?month={key}")
    page.wait_for_selector("#month-figures[data-phone=true]")
    assert f"{last:%m/%Y}" in page.inner_text("#month-title")
    assert _figure(page, "days") == server_days
    assert _figure(page, "visits") == "2"
    assert "Đã duyệt: 1" in _figure(page, "review") and "Bị trả lại: 1" in _figure(page, "review")
    assert page.inner_text("[data-account-field=went_well]") == "Đã họp chi đoàn"
    assert "Thiếu sổ sách" in page.inner_text("#month-visits")
    assert page.get_attribute("#month-nav a[rel=next]", "href") == f"/hearings/my-month?month={this:%Y-%m}"

    # the account of that month, not this month's, from the same cached page
    page.goto(f"{live_server.url}/hearings/account?month={key}")
    page.wait_for_selector("#account-form[data-ready=true]")
    assert page.inner_text("h1") == f"Tự báo cáo tháng {last:%m/%Y}"
    assert page.input_value("#difficulties") == "Đường xa"


def test_this_month_counts_what_waits_and_updates_after_the_sync(live_server, open_browser, world):
    _, this = _months()
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    wait_pulled(page)
    context.set_offline(True)
    page.goto(f"{live_server.url}/visits/new")
    save_visit(page, day=this.isoformat(), summary="Sinh hoạt chi đoàn")
    wait_waiting(page, 1)
    page.goto(f"{live_server.url}/hearings/my-month")
    page.wait_for_selector("#month-figures[data-phone=true]")
    assert _figure(page, "days").startswith("1 ")
    assert page.get_attribute("#month-figures dl", "data-unsent-days") == "1"
    assert page.get_attribute("#month-visits li", "data-state") == "waiting"

    # back online: sent, and the page says so without a navigation
    context.set_offline(False)
    page.wait_for_selector("#month-figures dl[data-unsent-days='0']")
    assert _figure(page, "days") == "1"
    page.wait_for_selector("#month-visits li[data-state=submitted]")


CUT_WHILE_KEEPING_ACCOUNTS = """async () => {
    // the device as before its first sync, then a run cut while it keeps the bootstrap's
    // accounts (as a reload in the middle of the first sync cuts it)
    const sync = await import('/static/js/sync.js');
    const {del, getAll} = await import('/static/js/db.js');
    for (const {key} of await getAll('meta')) {
        if (key === `bootstrap:${sync.userId}` || String(key).startsWith('account:')) await del('meta', key);
    }
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, ...rest) {
        if (String(value?.key).startsWith('account:')) throw new Error('cut');
        return put.call(this, value, ...rest);
    };
    const cut = await sync.syncNow();
    IDBObjectStore.prototype.put = put;
    return [cut, await sync.syncNow()];
}"""


def test_a_first_sync_cut_before_the_accounts_are_kept_keeps_them_on_the_next(live_server, open_browser,
                                                                             world):
    """The bootstrap counts as fetched only once its accounts are on the device: a run cut in
    between (a reload during the first sync) fetches it again on the next run."""
    last, _ = _months()
    with live_server.app.app_context():
        db.session.add(MonthlyAccount(id=uuid.uuid4(), cadre_id=world.cadre, month=last,
                                      went_well="Đã họp chi đoàn", difficulties="", proposals=""))
        db.session.commit()
    context = open_browser()
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_pulled(page)
    assert page.evaluate(CUT_WHILE_KEEPING_ACCOUNTS) == ["failed", "ok"]
    kept = page.evaluate(f"""async () => {{
        const sync = await import('/static/js/sync.js');
        const {{getMeta}} = await import('/static/js/db.js');
        return (await getMeta(`account:${{sync.userId}}:{last:%Y-%m}`))?.went_well ?? null;
    }}""")
    assert kept == "Đã họp chi đoàn"
