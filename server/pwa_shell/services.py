"""The app shell's version and precache list, derived from the files' contents."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin

# What the service worker precaches (all or nothing): relative to pwa/.
SHELL_GLOBS = ("css/*.css", "js/*.js", "js/messages/*.js", "js/views/*.js", "icons/*.png")
# Pages a cadre needs offline. They are per user, so they are cached only when they answer 200
# without a redirect (i.e. the person is signed in), never as a condition of installing.
OFFLINE_PAGES = ("/", "/visits/new", "/visits/", "/visits/placement", "/visits/settings",
                 "/hearings/mine", "/hearings/account", "/hearings/my-month")
# A redirect after a form post to one of those pages carries this query parameter: the worker then
# asks the server instead of answering from its cache (see views.fresh_location).
FRESH_PARAM = "fresh"


@dataclass(frozen=True)
class Shell:
    version: str
    files: tuple[str, ...]  # paths relative to pwa/


_cache: dict[tuple, Shell] = {}


def shell(pwa_dir: Path, salt: str = "") -> Shell:
    """The current shell: recomputed only when a file's size or mtime changes (cheap stat calls)."""
    paths = sorted(p for pattern in SHELL_GLOBS for p in pwa_dir.glob(pattern))
    sw = pwa_dir / "sw.js"
    manifest = pwa_dir / "manifest.webmanifest"
    key = (salt, *((str(p), s.st_mtime_ns, s.st_size) for p in [*paths, sw, manifest] for s in [p.stat()]))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256(salt.encode())
    for path in [*paths, sw, manifest]:
        digest.update(str(path.relative_to(pwa_dir)).encode() + b"\0" + path.read_bytes())
    result = Shell(digest.hexdigest()[:12], tuple(str(p.relative_to(pwa_dir)) for p in paths))
    _cache.clear()
    _cache[key] = result
    return result


# Scripts and styles are served minified (comments and spaces out: a third of the form's weight
# even gzip-compressed). Minified by rjsmin and rcssmin, once per file and process: the same bytes
# every time, so the version, the ETag and the worker's precached copy all agree.
MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
MIMETYPES = {".js": "text/javascript", ".css": "text/css"}
# What minified files depend on besides their source: part of the shell's version when minifying.
MINIFIED_BY = f"rjsmin {rjsmin.__version__}, rcssmin {rcssmin.__version__}"


@dataclass(frozen=True)
class Minified:
    body: bytes
    etag: str  # of the minified bytes
    mtime: float  # the source's


_minified: dict[tuple[str, int, int], Minified] = {}


def minified(path: Path) -> Minified | None:
    """The minified text of a .js or .css file (None for other files), computed once per version
    of the file (its path, mtime and size)."""
    minify = MINIFIERS.get(path.suffix)
    if minify is None:
        return None
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _minified.get(key)
    if cached is None:
        body = minify(path.read_text(encoding="utf-8")).encode("utf-8")
        cached = Minified(body, hashlib.sha256(body).hexdigest()[:20], stat.st_mtime)
        if len(_minified) > 512:  # older versions of the files
            _minified.clear()
        _minified[key] = cached
    return cached


def service_worker_source(pwa_dir: Path, shell_: Shell, static_prefix: str, extra: list[str],
                          minify: bool = False) -> str:
    """sw.js (minified with ``minify``) with its version and precache list prepended as a constant."""
    config = {
        "version": shell_.version,
        "staticPrefix": static_prefix,
        "precache": [f"{static_prefix}{f}" for f in shell_.files] + extra,
        "pages": list(OFFLINE_PAGES),
        "freshParam": FRESH_PARAM,
    }
    head = f"self.DICOSO_SHELL = {json.dumps(config, ensure_ascii=False)};\n"
    sw = pwa_dir / "sw.js"
    return head + (minified(sw).body.decode("utf-8") if minify else sw.read_text(encoding="utf-8"))


# A static import at the start of a line: `import … from './x.js';` or `import './x.js';`
_IMPORT = re.compile(r"""^import\s+(?:[^'"]*?\s+from\s+)?['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)
_graphs: dict[tuple[str, str], tuple[str, ...]] = {}


def module_graph(pwa_dir: Path, shell_: Shell, entries: tuple[str, ...]) -> tuple[str, ...]:
    """Every module the ``entries`` (paths relative to pwa/) import, directly or not, themselves
    included: the page preloads them all at once instead of finding them one import level at a time."""
    key = (shell_.version, "|".join(entries))
    if key not in _graphs:
        seen: list[str] = []
        todo = list(entries)
        while todo:
            module = todo.pop(0)
            if module in seen or not (pwa_dir / module).is_file():
                continue
            seen.append(module)
            for target in _IMPORT.findall((pwa_dir / module).read_text(encoding="utf-8")):
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(module), target)))
        if len(_graphs) > 64:  # old shell versions
            _graphs.clear()
        _graphs[key] = tuple(seen)
    return _graphs[key]
