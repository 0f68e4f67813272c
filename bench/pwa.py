"""Front-end benchmarks in real Chromium: page weight, GPRS timings, Lighthouse scores.

    .venv/bin/python bench/pwa.py weight      [--runs 5]
    .venv/bin/python bench/pwa.py gprs        [--runs 5]
    .venv/bin/python bench/pwa.py sync        [--runs 5]
    .venv/bin/python bench/pwa.py many        [--runs 5]
    .venv/bin/python bench/pwa.py screens     [--runs 5]
    .venv/bin/python bench/pwa.py lighthouse  [--runs 3] [--lighthouse PATH]
    .venv/bin/python bench/pwa.py photos      [--runs 3]

Each starts the app (threaded werkzeug on a loopback port) on a temporary SQLite database with the
demo data, signs in as the demo cadre ``canbo`` and measures; medians of ``--runs`` runs are printed.

- weight: bytes transferred (compressed, as on the wire: CDP ``encodedDataLength``) to load the
  visit form with a cold HTTP cache and no service worker yet: the page and everything it needs
  (CSS, JS modules, icons, manifest). The sync calls the page makes once loaded are shown apart.
- gprs: 4x CPU slowdown (CDP) and the app behind bench/slow_link.py, a TCP proxy on 127.0.0.1
  that is the only way to the server: GPRS (50 kbps down, 20 kbps up, 500 ms RTT, one link shared
  by every connection) for the page and its service worker alike (CDP's network emulation does not
  slow the worker's own fetches), or a link that connects and never answers. Navigation start to
  the visit form ready (its data-ready): the device offline, online over GPRS, on the hung link.
- sync: "Sync now" to the waiting count reaching 0, with 20 visits waiting, over the GPRS link.
- many: a phone holding 500 waiting visits (the link hung, so they stay) opens "My visits", 4x CPU:
  navigation start to the list drawn with its 500th row.
- screens: offline with 500 waiting visits and 100 photos on the device, 4x CPU: every cadre
  screen (home, my visits, the form, my month, the account, directions, settings) from the
  navigation's start to its view drawn from the device's data.
- photos: a visit with 3 photos (3000 × 2000 camera-like JPEGs, shrunk on the phone) from "Lưu" to
  the visit and every photo acknowledged, over the GPRS link (bench/slow_link.py) with 4x CPU, and
  what a photo costs on the wire (the link counts the bytes of the photo protocol's requests).
  A visit without photos is measured first in the same run.
- many also opens "My visits" (warm) with the 500 waiting visits, then again once 100 photos are
  on the device (2 on each of 50 visits, a 170 KB JPEG and a thumbnail each).
- lighthouse: Lighthouse 12 (mobile defaults) on the sign-in page, the cadre's home, visit form and
  "My visits", and the supervisor's review queue and a visit under review; install it
  outside the repo or in bench/node_modules (ignored by git):
  ``npm i -E --prefix bench lighthouse@12.2.3``, or pass ``--lighthouse /path/to/bin/lighthouse``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.slow_link import slow_link  # noqa: E402
from server import create_app  # noqa: E402
from server.demo.data import DEMO_PASSWORD  # noqa: E402
from server.demo.loader import load_demo_data  # noqa: E402
from server.extensions import db  # noqa: E402
from server.pwa_shell.services import OFFLINE_PAGES  # noqa: E402
from tests.api.live import threaded_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
USER = "canbo"


@contextmanager
def demo_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            load_demo_data()
            db.session.commit()
        try:
            with threaded_server(app) as url:
                yield url
        finally:
            with app.app_context():
                db.engine.dispose()


def launch(playwright, profile: str | None = None, **options):
    executable = CHROMIUM if os.path.exists(CHROMIUM) else None
    if profile:
        return playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, args=ARGS, headless=True, **options)
    browser = playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True)
    return browser.new_context(**options)


def sign_in(page, base: str, next_path: str = "/visits/new", user: str = USER) -> None:
    page.goto(f"{base}/auth/sign-in?next={next_path}")
    page.fill("#username", user)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}{next_path}")


def _first_sync(url: str) -> bool:
    """The sync calls the page makes once loaded: the API, and the settings page read for a fresh
    CSRF token before a device token is issued (sync.freshSession)."""
    return "/api/" in url or url.endswith("/visits/settings")


def measure_weight(playwright, base: str) -> dict[str, int]:
    signer = launch(playwright)
    sign_in(signer.new_page(), base)
    state = signer.storage_state()
    signer.close()
    # A cold HTTP cache and no service worker: everything the form needs comes over the wire.
    context = launch(playwright, storage_state=state, service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    headers: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    # the raw response headers as received (HTTP/1.1 here: HTTP/2 would compress them)
    cdp.on("Network.responseReceivedExtraInfo",
           lambda e: headers.__setitem__(e["requestId"], len(e.get("headersText") or "")))
    page.goto(f"{base}/visits/new", wait_until="load")
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.wait_for_selector("[data-last-sync]:not(:empty)")
    page.wait_for_load_state("networkidle")
    context.close()
    shell = [rid for rid in sizes if not _first_sync(urls.get(rid, ""))]
    return {"page": sum(sizes[rid] for rid in shell),
            "page_bodies": sum(sizes[rid] - headers.get(rid, 0) for rid in shell),
            "first_sync": sum(n for rid, n in sizes.items() if _first_sync(urls.get(rid, ""))),
            "requests": len(shell)}


# Records, in the page, when a view is ready (its script sets data-ready, or data-phone once it has
# drawn from the device's data): no polling delay added.
READY_MARKS = """
new MutationObserver((changes) => {
  for (const change of changes) {
    const id = change.target.getAttribute('id');  // not .id: a form's control named "id" hides it
    if (change.target.getAttribute(change.attributeName) !== 'true') continue;
    window.__ready = window.__ready || {};
    if (!(id in window.__ready)) window.__ready[id] = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-ready', 'data-phone']});
"""


def open_timed(page, url: str, element_id: str, extra: str | None = None,
               marker: str = "data-ready") -> float:
    """Milliseconds from the navigation's start to the view ``element_id`` being ready."""
    page.goto(url, wait_until="commit")
    page.wait_for_selector(f"#{element_id}[{marker}='true']{extra or ''}", timeout=60_000, state="attached")
    return page.evaluate(f"""() => {{
        const nav = performance.getEntriesByType('navigation')[0];
        return window.__ready['{element_id}'] - nav.startTime;
    }}""")


def set_up(playwright, link, profile: str):
    """A signed-in phone with the worker, its cached pages and the bootstrap data, over a fast link."""
    link.slow, link.hang = False, False
    context = launch(playwright, profile)
    context.add_init_script(READY_MARKS)
    page = context.new_page()
    sign_in(page, link.url)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    # every page a cadre opens offline is cached (the worker caches them one after another)
    page.wait_for_function("""async (pages) => {
        const cache = await caches.open('dicoso-pages');
        return (await Promise.all(pages.map((url) => cache.match(url)))).every(Boolean);
    }""", arg=list(OFFLINE_PAGES), timeout=60_000)
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')", state="attached")  # bootstrap is here
    page.goto(f"{link.url}/visits/new")  # a page the worker controls
    page.wait_for_selector("#visit-form[data-ready='true']")
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return context, page


SEED = """async ({count, text}) => {
    const base = document.querySelector('script[type=module]').src;
    const outbox = await import(base.replace('app.js', 'outbox.js'));
    const data = await (await import(base.replace('app.js', 'sync.js'))).bootstrapData();
    const userId = Number(document.body.dataset.userId);
    for (let i = 0; i < count; i++) {
      const day = new Date(Date.now() - (1 + i % 300) * 86400000).toISOString().slice(0, 10);
      await outbox.save({id: outbox.newId(), base_version: null,
        unit_id: data.units[i % data.units.length].id, start_date: day, end_date: day,
        form: 'survey', topics: [data.topics[0].id],
        summary: `${text} ${i}`,
        findings: 'Chi đoàn hoạt động đều, đoàn viên tham gia đông.', recommendations: '',
        participants: 20 + i % 50, placement_id: null, location: null,
        client_updated_at: new Date().toISOString()}, userId);
    }
}"""


def measure_gprs(playwright, base: str, profile: str) -> dict[str, float]:
    with slow_link(base) as link:
        context, page = set_up(playwright, link, profile)
        result = {}
        # The form from the cache, the device offline.
        context.set_offline(True)
        result["form_offline_ms"] = open_timed(page, f"{link.url}/visits/new", "visit-form")
        context.set_offline(False)
        # Online over GPRS: everything the page and its worker fetch crosses the slow link.
        link.slow = True
        result["form_gprs_ms"] = open_timed(page, f"{link.url}/visits/new", "visit-form")
        # A link that connects and never answers (the browser believes it is online).
        link.hang = True
        result["form_hung_ms"] = open_timed(page, f"{link.url}/visits/new", "visit-form")
        context.close()
    return result


def measure_sync(playwright, base: str, profile: str) -> dict[str, float]:
    """20 visits waiting, then "Sync now" over the GPRS link until every one is acknowledged."""
    with slow_link(base) as link:
        context, page = set_up(playwright, link, profile)
        page.route("**/api/**", lambda route: route.abort())  # they wait while being written
        page.evaluate(SEED, {"count": 20, "text": "Khảo sát tình hình đoàn viên, thanh niên tại cơ sở, lượt"})
        page.reload()
        page.wait_for_selector("[data-waiting='20']", state="attached")
        page.wait_for_selector("[data-sync-now]:not([disabled])")
        page.unroute_all()
        link.slow = True
        sent_before = link.bytes_up
        sync_ms = page.evaluate("""() => new Promise((resolve) => {
            const start = performance.now();
            const waiting = document.querySelector('[data-waiting]');
            new MutationObserver(() => {
              if (waiting.dataset.waiting === '0') resolve(performance.now() - start);
            }).observe(waiting, {attributes: true});
            document.querySelector('[data-sync-now]').click();
        })""")
        result = {"sync_20_ms": sync_ms, "sync_20_bytes_up": link.bytes_up - sent_before}
        context.close()
    return result


# Photos as the phone keeps them (photo-store.js), on the visits waiting in the outbox: a 170 KB
# JPEG Blob and a 240 px thumbnail data: URL each, ``per_visit`` on each of the first ``visits``.
SEED_PHOTOS = """async ({visits, perVisit}) => {
    const base = document.querySelector('script[type=module]').src;
    const outbox = await import(base.replace('app.js', 'outbox.js'));
    const {tx} = await import(base.replace('app.js', 'db.js'));
    const userId = Number(document.body.dataset.userId);
    const ids = (await outbox.visitEntries(userId)).slice(0, visits).map((e) => e.id);
    const canvas = new OffscreenCanvas(240, 160);
    const context = canvas.getContext('2d');
    context.fillStyle = '#7a9'; context.fillRect(0, 0, 240, 160);
    context.fillStyle = '#345'; context.fillRect(40, 30, 120, 90);
    const thumb = await canvas.convertToBlob({type: 'image/jpeg', quality: 0.6});
    const thumbnail = await new Promise((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.readAsDataURL(thumb);
    });
    const jpeg = new Uint8Array(170000);
    for (let i = 0; i < jpeg.length; i += 65536) crypto.getRandomValues(jpeg.subarray(i, i + 65536));
    await tx('photos', 'readwrite', async ({photos}) => {
        for (const visitId of ids) {
            for (let n = 0; n < perVisit; n++) {
                photos.put({id: outbox.newId(), user_id: userId, visit_id: visitId, draft_key: null,
                    state: 'waiting', blob: new Blob([jpeg], {type: 'image/jpeg'}), size: jpeg.length,
                    sha256: '0'.repeat(64), content_type: 'image/jpeg', taken_at: new Date().toISOString(),
                    caption: '', width: 1600, height: 1067, thumbnail, added_at: new Date().toISOString(),
                    declared: false, offset: 0, error: null});
            }
        }
    });
}"""


def measure_many(playwright, base: str, profile: str, count: int = 500) -> dict[str, float]:
    """A phone holding ``count`` waiting visits opens "My visits" (4x CPU, link hung: they stay);
    then, warm, without and with 100 photos on the device."""
    with slow_link(base) as link:
        context, page = set_up(playwright, link, profile)
        link.hang = True  # nothing leaves: the visits keep waiting
        page.evaluate(SEED, {"count": count, "text": "Dự sinh hoạt chi đoàn, trao đổi với đoàn viên về"})
        url, last = f"{link.url}/visits/", f" li:nth-child({count})"
        result = {f"my_visits_{count}_ms": open_timed(page, url, "visit-list", last)}
        result[f"my_visits_{count}_warm_ms"] = open_timed(page, url, "visit-list", last)
        page.evaluate(SEED_PHOTOS, {"visits": 50, "perVisit": 2})
        open_timed(page, url, "visit-list", last)  # as warm as the one before
        result[f"my_visits_{count}_100_photos_ms"] = open_timed(page, url, "visit-list", last)
        if page.locator("#visit-list > li[data-photos]").count() != 50:
            raise SystemExit("My visits does not show the 50 visits with photos")
        context.close()
    return result


# Every screen a cadre opens, and what says it has drawn from the device: (path, element, marker).
SCREENS = [("/", "year-visits", "data-phone"), ("/visits/", "visit-list", "data-ready"),
           ("/visits/new", "visit-form", "data-ready"),
           ("/hearings/my-month", "month-figures", "data-phone"),
           ("/hearings/account", "account-form", "data-ready"),
           ("/hearings/mine", "directions-list", "data-ready"),
           ("/visits/settings", "settings-message", "data-ready")]


def measure_screens(playwright, base: str, profile: str, count: int = 500) -> dict[str, float]:
    """Offline, with ``count`` waiting visits and 100 photos on the device, 4x CPU: each cadre
    screen from the navigation's start to its view drawn from the device's data (after one
    unmeasured opening of each, as a phone in use would be warm)."""
    with slow_link(base) as link:
        context, page = set_up(playwright, link, profile)
        link.hang = True
        page.evaluate(SEED, {"count": count, "text": "Dự sinh hoạt chi đoàn, trao đổi với đoàn viên về"})
        page.evaluate(SEED_PHOTOS, {"visits": 50, "perVisit": 2})
        context.set_offline(True)
        result = {}
        for path, element, marker in SCREENS:
            open_timed(page, f"{link.url}{path}", element, marker=marker)
            result[f"{path}_ms"] = open_timed(page, f"{link.url}{path}", element, marker=marker)
        context.close()
    return result


# Resolves once the outbox is empty and every photo on the device is acknowledged (or refused):
# {visit_ms, done_ms} from the click on "Lưu", polling IndexedDB every 100 ms.
UNTIL_ACKNOWLEDGED = """() => new Promise((resolve) => {
    const count = (db, store, keep) => new Promise((done) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => done(request.result.filter(keep).length);
    });
    const open = indexedDB.open('dicoso');
    open.onsuccess = () => {
        const db = open.result;
        let visitMs = null;
        const start = performance.now();
        const poll = async () => {
            const waiting = await count(db, 'outbox', () => true);
            const owed = await count(db, 'photos', (p) => !['done', 'refused', 'locked'].includes(p.state));
            if (!waiting && visitMs === null) visitMs = performance.now() - start;
            if (waiting || owed) { setTimeout(poll, 100); return; }
            db.close();
            resolve({visit_ms: visitMs, done_ms: performance.now() - start});
        };
        document.querySelector('#visit-form button[type=submit]').click();
        setTimeout(poll, 100);
    };
})"""


def _kind(method: str, path: str) -> str:
    """Which requests the link's bytes go to: the photo protocol's, the sync's, the rest."""
    declare = path.startswith("/api/v1/visits/") and path.endswith("/photos")
    if declare or path.startswith("/api/v1/photos/"):
        return "photo"
    if path.startswith("/api/v1/sync/"):
        return "sync"
    return "other"


def _save_over_gprs(page, link, photos: list[Path]) -> dict:
    """Fill a visit (with photos) over a fast link, then "Lưu" → all acknowledged over GPRS."""
    from datetime import date, timedelta

    link.slow = False
    page.goto(f"{link.url}/visits/new")
    page.wait_for_selector("#photos-block[data-ready='true']")
    day = (date.today() - timedelta(days=1)).isoformat()
    page.select_option("#unit_id", index=1)
    page.fill("#start_date", day)
    page.fill("#end_date", day)
    page.check("input[name=form][value=survey]", force=True)
    page.fill("#summary", "Dự sinh hoạt chi đoàn, kiểm tra sổ sách, trao đổi với đoàn viên về việc làm.")
    if photos:
        page.set_input_files("#photo-pick", [str(p) for p in photos])
        page.wait_for_selector(f"#photos-block[data-count='{len(photos)}'][data-added]")
    page.wait_for_selector("[data-sync-now]:not([disabled])", state="attached")
    link.slow = True
    link.by_kind.clear()
    timings = page.evaluate(UNTIL_ACKNOWLEDGED)
    page.wait_for_selector("[data-sync-now]:not([disabled])", state="attached")  # the sync's pull too
    sizes = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => {
            const request = open.result.transaction('photos').objectStore('photos').getAll();
            request.onsuccess = () => { open.result.close(); resolve(request.result.map((p) => p.size)); };
        };
    })""")
    return {**timings, "sizes": sizes, "by_kind": {kind: list(n) for kind, n in link.by_kind.items()}}


def measure_photos(playwright, base: str, profile: str, tmp: str) -> dict[str, float]:
    """A visit, then a visit with 3 photos: "Lưu" → acknowledged over GPRS (4x CPU)."""
    from tests.browser.photos import jpeg

    photos = [jpeg(Path(tmp) / f"photo-{n}.jpg", seed=n) for n in range(3)]
    with slow_link(base, classify=_kind) as link:
        context, page = set_up(playwright, link, profile)
        plain = _save_over_gprs(page, link, [])
        with_photos = _save_over_gprs(page, link, photos)
        context.close()
    photo_up, photo_down = with_photos["by_kind"].get("photo", [0, 0])
    sync_up, sync_down = plain["by_kind"].get("sync", [0, 0])
    return {
        "visit_alone_ms": plain["done_ms"],
        "visit_of_3_photos_ms": with_photos["visit_ms"],
        "3_photos_acknowledged_ms": with_photos["done_ms"],
        "jpeg_bytes_per_photo": statistics.mean(with_photos["sizes"]),
        # the photo protocol's requests (declare, PATCH …): headers and bodies, each way
        "wire_bytes_up_per_photo": photo_up / 3,
        "wire_bytes_down_per_photo": photo_down / 3,
        "visit_sync_bytes_up": sync_up,
        "visit_sync_bytes_down": sync_down,
    }


def run_lighthouse(binary: str, url: str, cookie: str | None, out: Path) -> dict[str, float]:
    command = [binary, url, "--quiet", "--only-categories=performance,accessibility",
               "--output=json", f"--output-path={out}",
               "--chrome-flags=--headless=new " + " ".join(ARGS)]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        # say why (a Chrome launch timeout now and then on a busy machine): the next run may do
        raise SystemExit(f"Lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    report = json.loads(out.read_text())
    final = report.get("finalDisplayedUrl", "")
    if not final.endswith(url.split("127.0.0.1", 1)[1].split("/", 1)[1]):
        raise SystemExit(f"Lighthouse ended on {final}, not {url}: was the session cookie refused?")
    return {name: round(cat["score"] * 100) for name, cat in report["categories"].items()}


def session_cookie(playwright, base: str, user: str) -> tuple[str, str | None]:
    """The session cookie of ``user`` (and, for a supervisor, a visit in their queue)."""
    signer = launch(playwright)
    page = signer.new_page()
    sign_in(page, base, "/", user)
    visit = None
    if user != USER:
        page.goto(f"{base}/review/")
        visit = page.get_attribute(".queue li a", "href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in signer.cookies())
    signer.close()
    return cookie, visit


def measure_lighthouse(playwright, base: str, binary: str, out: Path) -> dict[str, float]:
    """The pages a cadre opens on the phone, and a supervisor's review pages."""
    cadre, _ = session_cookie(playwright, base, USER)
    supervisor, visit = session_cookie(playwright, base, "giamsat")
    pages = [("sign-in", "/auth/sign-in", None), ("home", "/", cadre), ("visit form", "/visits/new", cadre),
             ("my visits", "/visits/", cadre), ("review queue", "/review/", supervisor),
             ("review visit", visit, supervisor)]
    result = {}
    for name, path, jar in pages:
        scores = run_lighthouse(binary, base + path, jar, out)
        result.update({f"{name} {k}": v for k, v in scores.items()})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["weight", "gprs", "sync", "many", "screens", "photos", "lighthouse"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lighthouse", default=str(ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"))
    args = parser.parse_args()
    results: list[dict] = []
    with demo_server() as base, sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            if args.what == "weight":
                result = measure_weight(playwright, base)
            elif args.what == "gprs":
                result = measure_gprs(playwright, base, f"{tmp}/profile-{run}")
            elif args.what == "sync":
                result = measure_sync(playwright, base, f"{tmp}/profile-{run}")
            elif args.what == "many":
                result = measure_many(playwright, base, f"{tmp}/profile-{run}")
            elif args.what == "screens":
                result = measure_screens(playwright, base, f"{tmp}/profile-{run}")
            elif args.what == "photos":
                result = measure_photos(playwright, base, f"{tmp}/profile-{run}", tmp)
            else:
                result = measure_lighthouse(playwright, base, args.lighthouse, Path(tmp) / f"lh-{run}.json")
            print(f"run {run + 1}: {result}", flush=True)
            results.append(result)
    print("median:", {key: statistics.median(r[key] for r in results) for key in results[0]})


if __name__ == "__main__":
    main()
