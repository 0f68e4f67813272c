"""The PWA's scripts and styles are served minified (issue 17, the form's page weight): smaller, the
same exports, the same bytes for every request of a version (so the ETag, the length and the service
worker's precached copy agree), and the sources as written when asked (debug)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from server.pwa_shell import services

PWA = Path(__file__).resolve().parent.parent / "pwa"
SCRIPTS = sorted(str(p.relative_to(PWA)) for p in (PWA / "js").rglob("*.js"))
STYLES = sorted(str(p.relative_to(PWA)) for p in (PWA / "css").glob("*.css"))


def _exports(source: str) -> set[str]:
    """The names a module exports (declarations, `export {…}`, `export const {…} =`, default)."""
    names = set(re.findall(r"\bexport\s+(?:async\s+)?function\s*\*?\s*([\w$]+)", source))
    names |= set(re.findall(r"\bexport\s+(?:const|let|var|class)\s+([\w$]+)", source))
    for group in re.findall(r"\bexport\s*(?:(?:const|let|var)\s*)?\{([^}]*)\}", source):
        names |= {part.split(" as ")[-1].strip() for part in group.split(",") if part.strip()}
    if re.search(r"\bexport\s+default\b", source):
        names.add("default")
    return names


def _shell(client) -> dict:
    source = client.get("/sw.js").get_data(as_text=True)
    return json.loads(source.split("self.DICOSO_SHELL = ", 1)[1].split(";\n", 1)[0])


def _asset(client, name: str, version: str):
    return client.get(f"/static/v/{version}/{name}", headers={"Accept-Encoding": "identity"})


def test_every_script_and_style_is_served_minified_with_the_same_exports(client):
    version = _shell(client)["version"]
    before = after = 0
    for name in SCRIPTS + STYLES:
        source = (PWA / name).read_text(encoding="utf-8")
        response = _asset(client, name, version)
        assert response.status_code == 200, name
        body = response.get_data(as_text=True)
        assert len(body) < len(source), name
        assert response.mimetype == ("text/javascript" if name.endswith(".js") else "text/css")
        if name.endswith(".js"):
            assert _exports(body) == _exports(source), name
            assert "\n// " not in body and "/* " not in body, name  # no comments left
        before += len(source)
        after += len(body)
    assert after < 0.75 * before  # comments and indentation were a good part of it
    assert _exports((PWA / "js/sync.js").read_text()) >= {"syncNow", "userId", "bootstrapData"}


def test_a_minified_file_is_the_same_bytes_every_time_and_its_etag_and_length_say_so(client):
    """The service worker precaches what the page's URL gives; a second request, another process
    (the cache emptied) or a conditional request all agree on those bytes."""
    shell = _shell(client)
    url = f"{shell['staticPrefix']}js/app.js"
    assert url in shell["precache"]
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    services._minified.clear()  # as a new process would
    second = client.get(url, headers={"Accept-Encoding": "identity"})
    assert first.get_data() == second.get_data() == services.minified(PWA / "js/app.js").body
    assert int(first.headers["Content-Length"]) == len(first.get_data())
    assert first.headers["ETag"] == second.headers["ETag"]
    assert "immutable" in first.headers["Cache-Control"]
    again = client.get(url, headers={"Accept-Encoding": "identity", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # compressed, the same bytes once decoded
    import gzip

    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == first.get_data()


def test_the_worker_is_minified_and_still_loads_the_shared_rules(client):
    source = client.get("/sw.js").get_data(as_text=True)
    raw = (PWA / "sw.js").read_text(encoding="utf-8")
    head, body = source.split(";\n", 1)  # the shell's constant, then the worker
    assert head.startswith("self.DICOSO_SHELL = ") and len(body) < 0.7 * len(raw)
    assert "/* dicoso service worker" not in source
    prefix = "`${SHELL.staticPrefix}"
    assert (f"importScripts({prefix}js/push-rule.js`,{prefix}js/photo-upload-rule.js`,"
            f"{prefix}js/sw-background-sync.js`)") in source
    # the two rules it imports are classic scripts that publish themselves, minified like the rest
    version = _shell(client)["version"]
    rules = (("js/push-rule.js", "DicosoPushRule"), ("js/photo-upload-rule.js", "DicosoPhotoUpload"))
    for name, published in rules:
        body = _asset(client, name, version).get_data(as_text=True)
        assert f"scope.{published}=" in body.replace(" ", ""), name
    # and its Background Sync, minified too, handles the page's sync tag with those rules
    sync = _asset(client, "js/sw-background-sync.js", version).get_data(as_text=True)
    assert "/* The service worker's Background Sync" not in sync
    assert all(name in sync for name in ("'dicoso-outbox'", "self.DicosoPushRule", "self.DicosoPhotoUpload"))


# What may come before a regular expression literal (else a `/` divides).
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
_REGEX_KEYWORDS = {"return", "typeof", "case", "in", "of", "new", "delete", "void", "throw", "yield", "await"}


def _template_literals(source: str) -> tuple[list[str], list[str]]:
    """The template literals of a script (the outermost ones, backticks included) and those written
    inside another's ``${…}``: a small scanner of our own sources (comments, strings, regular
    expressions, templates), not a JavaScript parser."""
    found: list[str] = []
    nested: list[str] = []
    n = len(source)

    def string_end(j: int) -> int:
        quote, j = source[j], j + 1
        while source[j] != quote:
            j += 2 if source[j] == "\\" else 1
        return j + 1

    def template_end(j: int) -> int:
        j += 1
        while source[j] != "`":
            if source[j] == "\\":
                j += 2
            elif source.startswith("${", j):
                j = code_end(j + 2)
            else:
                j += 1
        return j + 1

    def code_end(j: int) -> int:  # from inside ${ to after its }
        depth = 0
        while True:
            c = source[j]
            if c in "'\"":
                j = string_end(j)
                continue
            if c == "`":
                nested.append(source[j:j + 60])
                j = template_end(j)
                continue
            if c == "}" and depth == 0:
                return j + 1
            depth += {"{": 1, "}": -1}.get(c, 0)
            j += 1

    i, last = 0, ""
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) % (n + 1)
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif c in "'\"":
            i, last = string_end(i), "string"
        elif c == "`":
            end = template_end(i)
            found.append(source[i:end])
            i, last = end, "string"
        elif c == "/" and (last in _REGEX_AFTER or last in _REGEX_KEYWORDS):
            i, in_class = i + 1, False
            while source[i] != "/" or in_class:
                in_class = (source[i] == "[") or (in_class and source[i] != "]")
                i += 2 if source[i] == "\\" else 1
            i, last = i + 1, "regex"
        else:
            word = re.match(r"[\w$]+", source[i:])
            if word:
                i, last = i + word.end(), word.group()
            else:
                i, last = i + 1, (c if not c.isspace() else last)
    return found, nested


def test_the_minifier_changes_no_template_literal():
    """rjsmin reads a template literal from backtick to backtick: one written inside another's
    ``${…}`` ended the outer one early, and the spaces of its text were taken out (the status chip's
    label lost one). None is written so, and every template literal is served as written."""
    seen = 0
    for name in [*SCRIPTS, "sw.js"]:
        source = (PWA / name).read_text(encoding="utf-8")
        found, nested = _template_literals(source)
        assert not nested, f"{name}: a template literal inside another's ${{…}}: {nested}"
        body = services.minified(PWA / name).body.decode("utf-8")
        for literal in found:
            assert literal in body, f"{name}: {literal[:80]}"
        seen += len(found)
    assert seen > 100  # the scanner found them
    nested_example = "const a = `x ${b ? `, ${c}` : ''}`;"
    assert _template_literals(nested_example)[1] == ["`, ${c}` : ''}`;"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node checks the minified syntax")
def test_every_minified_script_still_parses(tmp_path):
    """A minifier that misread a regular expression or a template literal would break a module:
    node parses each one (modules as ES modules, the worker as a classic script)."""
    for name in [*SCRIPTS, "sw.js"]:
        target = tmp_path / (name.replace("/", "__") + (".js" if name == "sw.js" else ".mjs"))
        target.write_bytes(services.minified(PWA / name).body)
        check = subprocess.run(["node", "--check", str(target)], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, f"{name}: {check.stderr}"


@pytest.mark.parametrize("config", [{"PWA_MINIFY": False}, {"DEBUG": True}])
def test_sources_as_written_when_asked_under_another_version(make_app, client, config):
    """PWA_MINIFY=False, or debug mode: the sources as written, for the browser's debugger, under
    another version than the minified files (a worker never mixes the two)."""
    minified_version = _shell(client)["version"]
    plain = make_app(**config)
    plain.debug = bool(config.get("DEBUG"))
    plain_client = plain.test_client()
    version = _shell(plain_client)["version"]
    assert version != minified_version
    for name in ("js/app.js", "css/app.css"):
        body = _asset(plain_client, name, version).get_data()
        assert body == (PWA / name).read_bytes(), name
    assert (PWA / "sw.js").read_text(encoding="utf-8") in plain_client.get("/sw.js").get_data(as_text=True)


def test_other_files_and_unknown_paths_are_served_as_before(client):
    version = _shell(client)["version"]
    icon = _asset(client, "icons/icon-192.png", version)
    assert icon.status_code == 200 and icon.get_data() == (PWA / "icons/icon-192.png").read_bytes()
    assert _asset(client, "js/no-such-module.js", version).status_code == 404
    assert _asset(client, "../server/config.py", version).status_code == 404
