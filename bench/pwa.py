"""Front-end benchmarks in real Chromium: page weight, GPRS timings, Lighthouse scores.

    .venv/bin/python bench/pwa.py weight      [--runs 5]
    .venv/bin/python bench/pwa.py gprs        [--runs 5]
    .venv/bin/python bench/pwa.py lighthouse  [--runs 3] [--lighthouse PATH]
    .venv/bin/python bench/pwa.py photos      [--runs 3]
    .venv/bin/python bench/pwa.py my-visits   [--runs 5]

Each starts the app (threaded werkzeug on a loopback port) on a temporary SQLite database with the
demo data, signs in as the demo cadre ``canbo`` and measures; medians of ``--runs`` runs are printed.

- weight: bytes transferred (compressed, as on the wire: CDP ``encodedDataLength``) to load the
  visit form with a cold HTTP cache and no service worker yet: the page and everything it needs
  (CSS, JS modules, icons, manifest). The sync calls the page makes once loaded are shown apart.
- gprs: Chromium network conditions via CDP (50 kbps down, 20 kbps up, 500 ms RTT) and 4x CPU
  slowdown. "Form from the cache": navigation start to the form ready, with the service worker
  answering from its cache (the device offline). "Sync 20": from pressing "Sync now" to the
  waiting count reaching 0, with 20 visits waiting, throttled link.
- photos: a visit with 3 photos (3000 × 2000 camera-like JPEGs, shrunk on the phone) from "Lưu" to
  the visit and every photo acknowledged, over GPRS (50 kbps down, 20 kbps up, 500 ms RTT) with 4x
  CPU. The link is bench/gprs_link.py, a throttling TCP proxy on 127.0.0.1 that the browser talks
  to, so the page's and the service worker's requests are all slowed (CDP emulation would not slow
  the worker's). Bytes on the wire are counted at the proxy; a visit without photos is measured in
  the same run and subtracted, so "per photo" is what a photo costs over what its visit costs.
- my-visits: a phone holding 500 waiting visits and 100 photos (2 on each of 50 visits: a 170 KB
  JPEG and a 240 px thumbnail each), offline, 4x CPU: navigation start to "Các lượt của tôi"
  rendered (the list's first render done, photos and thumbnails included).
- lighthouse: Lighthouse 12 (mobile defaults) on the sign-in page and the visit form; install it
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

from bench.gprs_link import GprsLink  # noqa: E402
from server import create_app  # noqa: E402
from server.demo.data import DEMO_PASSWORD  # noqa: E402
from server.demo.loader import load_demo_data  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.api.live import threaded_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
GPRS = {"offline": False, "latency": 500, "downloadThroughput": 50_000 / 8, "uploadThroughput": 20_000 / 8}
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


def sign_in(page, base: str, next_path: str = "/visits/new") -> None:
    page.goto(f"{base}/auth/sign-in?next={next_path}")
    page.fill("#username", USER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}{next_path}")


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
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(f"{base}/visits/new", wait_until="load")
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.wait_for_selector("[data-last-sync]:not(:empty)")
    page.wait_for_load_state("networkidle")
    context.close()
    shell = sum(n for rid, n in sizes.items() if "/api/" not in urls.get(rid, ""))
    api = sum(n for rid, n in sizes.items() if "/api/" in urls.get(rid, ""))
    return {"page": shell, "api": api,
            "requests": sum(1 for rid in sizes if "/api/" not in urls.get(rid, ""))}


def measure_gprs(playwright, base: str, profile: str) -> dict[str, float]:
    context = launch(playwright, profile)
    page = context.new_page()
    sign_in(page, base)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("""async () => {
        const cache = await caches.open('dicoso-pages');
        return Boolean(await cache.match('/visits/new')) && Boolean(await cache.match('/visits/'));
    }""")
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")  # bootstrap data is on the device
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    # The form from the cache: the device is offline, the worker answers.
    context.set_offline(True)
    page.goto(f"{base}/visits/new", wait_until="commit")
    page.wait_for_selector("#visit-form[data-ready='true']")
    open_ms = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return performance.now() - nav.startTime;
    }""")
    context.set_offline(False)
    # 20 visits waiting (the API held back meanwhile), then sync them over GPRS.
    page.route("**/api/**", lambda route: route.abort())
    page.evaluate("""async () => {
        const base = document.querySelector('script[type=module]').src;
        const outbox = await import(base.replace('app.js', 'outbox.js'));
        const data = await (await import(base.replace('app.js', 'sync.js'))).bootstrapData();
        const userId = Number(document.body.dataset.userId);
        const day = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
        for (let i = 0; i < 20; i++) {
          await outbox.save({id: outbox.newId(), base_version: null,
            unit_id: data.units[i % data.units.length].id, start_date: day, end_date: day,
            form: 'survey', topics: [data.topics[0].id],
            summary: `Khảo sát tình hình đoàn viên, thanh niên tại cơ sở, lượt ${i}`,
            findings: 'Chi đoàn hoạt động đều, đoàn viên tham gia đông.', recommendations: '',
            participants: 20 + i, placement_id: null, location: null,
            client_updated_at: new Date().toISOString()}, userId);
        }
    }""")
    page.reload()
    page.wait_for_selector("[data-waiting='20']")
    page.wait_for_selector("[data-sync-now]:not([disabled])")
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", GPRS)
    page.unroute_all()
    sync_ms = page.evaluate("""() => new Promise((resolve) => {
        const start = performance.now();
        const waiting = document.querySelector('[data-waiting]');
        new MutationObserver(() => {
          if (waiting.dataset.waiting === '0') resolve(performance.now() - start);
        }).observe(waiting, {attributes: true});
        document.querySelector('[data-sync-now]').click();
    })""")
    context.close()
    return {"open_form_ms": open_ms, "sync_20_ms": sync_ms}


# Resolves once the outbox is empty and every photo on the device is acknowledged (or refused):
# {visit_ms, done_ms} from the moment "Lưu" is clicked, polling IndexedDB every 100 ms.
_UNTIL_ACKNOWLEDGED = """() => new Promise((resolve) => {
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


def _save_over_gprs(page, link: GprsLink, photos: list[Path]) -> dict[str, float]:
    """Fill a visit (with photos), then over the shaped link: "Lưu" → everything acknowledged."""
    from datetime import date, timedelta

    page.goto(f"{link.url}/visits/new")
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.wait_for_selector("#photos-block[data-ready='true']")
    day = (date.today() - timedelta(days=1)).isoformat()
    page.select_option("#unit_id", index=1)
    page.fill("#start_date", day)
    page.fill("#end_date", day)
    page.check("input[name=form][value=survey]")
    page.fill("#summary", "Dự sinh hoạt chi đoàn, kiểm tra sổ sách, trao đổi với đoàn viên về việc làm.")
    if photos:
        page.set_input_files("#photo-pick", [str(p) for p in photos])
        page.wait_for_selector(f"#photos-block[data-count='{len(photos)}']")
        page.wait_for_selector("#photos-block[data-added]")
    page.wait_for_selector("[data-sync-now]:not([disabled])")
    link.shape = True
    up, down = link.bytes_up, link.bytes_down
    link.by_kind.clear()
    timings = page.evaluate(_UNTIL_ACKNOWLEDGED)
    link.wait_idle()  # the sync's last calls (pull) and closing bytes
    link.shape = False
    sizes = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => {
            const request = open.result.transaction('photos').objectStore('photos').getAll();
            request.onsuccess = () => { open.result.close(); resolve(request.result.map((p) => p.size)); };
        };
    })""")
    return {**timings, "up": link.bytes_up - up, "down": link.bytes_down - down, "sizes": sizes,
            "by_kind": {kind: list(counts) for kind, counts in link.by_kind.items()}}


def _kind(method: str, path: str) -> str:
    """Which requests a benchmark's bytes go to: the photo protocol's, the sync's, the rest."""
    declare = path.startswith("/api/v1/visits/") and path.endswith("/photos")
    if declare or path.startswith("/api/v1/photos/"):
        return "photo"
    if path.startswith("/api/v1/sync/"):
        return "sync"
    return "other"


def measure_photos(playwright, base: str, profile: str, tmp: str) -> dict[str, float]:
    from tests.browser.photos import jpeg

    photos = [jpeg(Path(tmp) / f"photo-{n}.jpg", seed=n) for n in range(3)]
    with GprsLink(int(base.rsplit(":", 1)[1]), classify=_kind) as link:
        context = launch(playwright, profile)
        page = context.new_page()
        sign_in(page, link.url)
        page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        plain = _save_over_gprs(page, link, [])
        with_photos = _save_over_gprs(page, link, photos)
        context.close()
    sizes = with_photos["sizes"][-3:]
    photo_up, photo_down = with_photos["by_kind"].get("photo", [0, 0])
    sync_up, sync_down = plain["by_kind"].get("sync", [0, 0])
    return {
        "visit alone ms": plain["done_ms"],
        "visit of 3 photos acknowledged ms": with_photos["visit_ms"],
        "3 photos all acknowledged ms": with_photos["done_ms"],
        "JPEG bytes per photo": statistics.mean(sizes),
        # the photo protocol's requests only (declare, GET, PATCH): headers and bodies both ways
        "wire bytes up per photo": photo_up / 3,
        "wire bytes down per photo": photo_down / 3,
        "visit alone sync bytes up": sync_up,
        "visit alone sync bytes down": sync_down,
    }


_SEED_VISITS = """async (visits) => {
    const base = document.querySelector('script[type=module]').src;
    const outbox = await import(base.replace('app.js', 'outbox.js'));
    const {tx} = await import(base.replace('app.js', 'db.js'));
    const data = await (await import(base.replace('app.js', 'sync.js'))).bootstrapData();
    const userId = Number(document.body.dataset.userId);
    const words = ['đoàn viên', 'chi đoàn', 'thanh niên', 'sinh hoạt', 'việc làm', 'khởi nghiệp',
        'an toàn giao thông', 'môi trường', 'chuyển đổi số', 'tình nguyện'];
    const ids = [];
    for (let i = 0; i < visits; i++) {
        const day = new Date(Date.now() - (1 + (i % 300)) * 86400000).toISOString().slice(0, 10);
        const visit = {id: outbox.newId(), base_version: null, unit_id: data.units[i % data.units.length].id,
            start_date: day, end_date: day, form: 'survey', topics: [data.topics[i % data.topics.length].id],
            summary: `Khảo sát ${words[i % 10]} và ${words[(i * 7) % 10]} tại cơ sở, lượt ${i}`,
            findings: '', recommendations: '', participants: 10 + i, placement_id: null, location: null,
            client_updated_at: new Date().toISOString()};
        await outbox.save(visit, userId);
        ids.push(visit.id);
    }
    return ids;
}"""

_SEED_PHOTOS = """async ([ids, perVisit]) => {
    const base = document.querySelector('script[type=module]').src;
    const {newId} = await import(base.replace('app.js', 'outbox.js'));
    const {tx} = await import(base.replace('app.js', 'db.js'));
    const userId = Number(document.body.dataset.userId);
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
                photos.put({id: newId(), user_id: userId, visit_id: visitId, draft_key: null,
                    state: 'waiting', blob: new Blob([jpeg], {type: 'image/jpeg'}), size: jpeg.length,
                    sha256: '0'.repeat(64), content_type: 'image/jpeg', taken_at: new Date().toISOString(),
                    caption: '', width: 1600, height: 1067, thumbnail, added_at: new Date().toISOString(),
                    declared: false, offset: 0, error: null});
            }
        }
    });
}"""

# When #visit-list gets data-ready (its first render is done), in the page's clock.
_LIST_READY = """document.addEventListener('DOMContentLoaded', () => {
    const list = document.getElementById('visit-list');
    if (!list) return;
    new MutationObserver(() => {
        if (list.dataset.ready && !window.__listReadyAt) window.__listReadyAt = performance.now();
    }).observe(list, {attributes: true});
});"""


def _open_my_visits(page, base: str) -> tuple[float, int, int]:
    """(ms from navigation start to the list rendered, rows, rows with photos)."""
    page.goto(f"{base}/visits/", wait_until="commit")
    while not page.evaluate("() => window.__listReadyAt"):
        page.wait_for_timeout(100)
    ready = page.evaluate("window.__listReadyAt - performance.getEntriesByType('navigation')[0].startTime")
    rows = page.locator("#visit-list > li")
    return ready, rows.count(), page.locator("#visit-list > li[data-photos]").count()


def measure_my_visits(playwright, base: str, profile: str) -> dict[str, float]:
    context = launch(playwright, profile)
    context.add_init_script(_LIST_READY)
    page = context.new_page()
    sign_in(page, base)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_selector("[data-last-sync]:has-text('Gửi lần cuối')")
    # (not wait_for_function: it takes an async predicate's promise for a truthy answer)
    cached = "async () => Boolean(await (await caches.open('dicoso-pages')).match('/visits/'))"
    while not page.evaluate(cached):
        page.wait_for_timeout(100)
    context.set_offline(True)  # the visits stay waiting; the worker serves the page
    ids = page.evaluate(_SEED_VISITS, 500)
    cdp = context.new_cdp_session(page)
    _open_my_visits(page, base)  # warm (code cache, database) as for the measured openings
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    without, rows, _ = _open_my_visits(page, base)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.evaluate(_SEED_PHOTOS, [ids[:50], 2])
    _open_my_visits(page, base)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    ready, rows, with_photos = _open_my_visits(page, base)
    context.close()
    if rows < 500 or with_photos != 50:  # the demo cadre's own visits from the server come on top
        raise SystemExit(f"the list shows {rows} visits, {with_photos} with photos")
    return {"ready ms, 500 waiting visits": without, "ready ms, and 100 photos": ready, "rows": rows}


def run_lighthouse(binary: str, url: str, cookie: str | None, out: Path) -> dict[str, float]:
    command = [binary, url, "--quiet", "--only-categories=performance,accessibility",
               "--output=json", f"--output-path={out}",
               "--chrome-flags=--headless=new " + " ".join(ARGS)]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    final = report.get("finalDisplayedUrl", "")
    if not final.endswith(url.split("127.0.0.1", 1)[1].split("/", 1)[1]):
        raise SystemExit(f"Lighthouse ended on {final}, not {url}: was the session cookie refused?")
    return {name: round(cat["score"] * 100) for name, cat in report["categories"].items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["weight", "gprs", "lighthouse", "photos", "my-visits"])
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
            elif args.what == "my-visits":
                result = measure_my_visits(playwright, base, f"{tmp}/profile-{run}")
            elif args.what == "photos":
                result = measure_photos(playwright, base, f"{tmp}/profile-{run}", tmp)
            else:
                signer = launch(playwright)
                sign_in(signer.new_page(), base)
                cookie = "; ".join(f"{c['name']}={c['value']}" for c in signer.cookies())
                signer.close()
                result = {}
                pages = [("sign-in", "/auth/sign-in", None), ("visit form", "/visits/new", cookie)]
                for name, path, jar in pages:
                    scores = run_lighthouse(args.lighthouse, base + path, jar, Path(tmp) / f"lh-{run}.json")
                    result.update({f"{name} {k}": v for k, v in scores.items()})
            print(f"run {run + 1}: {result}", flush=True)
            results.append(result)
    print("median:", {key: statistics.median(r[key] for r in results) for key in results[0]})


if __name__ == "__main__":
    main()
