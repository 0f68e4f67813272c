"""Front-end benchmarks in real Chromium: page weight, GPRS timings, Lighthouse scores.

    .venv/bin/python bench/pwa.py weight      [--runs 5]
    .venv/bin/python bench/pwa.py gprs        [--runs 5]
    .venv/bin/python bench/pwa.py lighthouse  [--runs 3] [--lighthouse PATH]

Each starts the app (threaded werkzeug on a loopback port) on a temporary SQLite database with the
demo data, signs in as the demo cadre ``canbo`` and measures; medians of ``--runs`` runs are printed.

- weight: bytes transferred (compressed, as on the wire: CDP ``encodedDataLength``) to load the
  visit form with a cold HTTP cache and no service worker yet: the page and everything it needs
  (CSS, JS modules, icons, manifest). The sync calls the page makes once loaded are shown apart.
- gprs: Chromium network conditions via CDP (50 kbps down, 20 kbps up, 500 ms RTT) and 4x CPU
  slowdown. "Form from the cache": navigation start to the form ready, with the service worker
  answering from its cache (the device offline). "Sync 20": from pressing "Sync now" to the
  waiting count reaching 0, with 20 visits waiting, throttled link.
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

from bench.slow_link import slow_link  # noqa: E402
from server import create_app  # noqa: E402
from server.demo.data import DEMO_PASSWORD  # noqa: E402
from server.demo.loader import load_demo_data  # noqa: E402
from server.extensions import db  # noqa: E402
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


# Records, in the page, when a view is ready (its script sets data-ready): no polling delay added.
READY_MARKS = """
new MutationObserver((changes) => {
  for (const change of changes) {
    const id = change.target.getAttribute('id');  // not .id: a form's control named "id" hides it
    if (change.target.dataset.ready !== 'true') continue;
    window.__ready = window.__ready || {};
    if (!(id in window.__ready)) window.__ready[id] = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-ready']});
"""


def open_timed(page, url: str, element_id: str, extra: str | None = None) -> float:
    """Milliseconds from the navigation's start to the view ``element_id`` being ready."""
    page.goto(url, wait_until="commit")
    page.wait_for_selector(f"#{element_id}[data-ready='true']{extra or ''}", timeout=60_000)
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
    page.wait_for_function("""async () => {
        const cache = await caches.open('dicoso-pages');
        return Boolean(await cache.match('/visits/new')) && Boolean(await cache.match('/visits/'));
    }""")
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


def measure_many(playwright, base: str, profile: str, count: int = 500) -> dict[str, float]:
    """A phone holding ``count`` waiting visits opens "My visits" (4x CPU, link hung: they stay)."""
    with slow_link(base) as link:
        context, page = set_up(playwright, link, profile)
        link.hang = True  # nothing leaves: the visits keep waiting
        page.evaluate(SEED, {"count": count, "text": "Dự sinh hoạt chi đoàn, trao đổi với đoàn viên về"})
        result = {f"my_visits_{count}_ms": open_timed(
            page, f"{link.url}/visits/", "visit-list", f" li:nth-child({count})")}
        context.close()
    return result


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
    parser.add_argument("what", choices=["weight", "gprs", "sync", "many", "lighthouse"])
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
            else:
                result = measure_lighthouse(playwright, base, args.lighthouse, Path(tmp) / f"lh-{run}.json")
            print(f"run {run + 1}: {result}", flush=True)
            results.append(result)
    print("median:", {key: statistics.median(r[key] for r in results) for key in results[0]})


if __name__ == "__main__":
    main()
