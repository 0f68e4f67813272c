"""Posting a CSV import through its pages, and reading the dry run's sections back."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from server.extensions import db


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def upload(post, kind: str, content: bytes | str, name: str = "file.csv"):
    """The dry run of ``content``."""
    raw = content.encode() if isinstance(content, str) else content
    return post(f"/admin/import/{kind}", data={"file": (io.BytesIO(raw), name)},
                content_type="multipart/form-data")


def apply(post, kind: str, preview_page: str):
    """Apply what the dry run page offers (its hidden copy of the file)."""
    content = re.search(r'name="content" type="hidden" value="([^"]*)"', preview_page)
    assert content, "no apply form on the preview"
    return post(f"/admin/import/{kind}", f"/admin/import/{kind}/apply",
                data={"content": html.unescape(content.group(1))})


def apply_content(post, kind: str, content: str):
    """Post a file straight to the apply step (as a second click or a stale page would)."""
    return post(f"/admin/import/{kind}", f"/admin/import/{kind}/apply", data={"content": content})


def section(page: str, status: str) -> str:
    """The dry run's section of rows with this status ('errors', 'changed', 'new', 'unchanged');
    '' when the page has none."""
    match = re.search(rf'id="import-{status}"(.*?)</(section|details)>', page, re.S)
    return match.group(1) if match else ""


def keys(page: str, status: str) -> set[str]:
    """The codes or usernames listed in a section of the dry run."""
    part = section(page, status)
    if status == "unchanged":
        text = re.search(r'<p class="muted">(.*?)</p>', part, re.S)
        return {k.strip() for k in html.unescape(text.group(1)).split(",") if k.strip()} if text else set()
    return {html.unescape(k) for k in re.findall(r'<th scope="row">([^<]*)</th>', part)}


def changes(page: str, key: str) -> list[tuple[str, str, str]]:
    """``(field, old, new)`` as the dry run shows the changes of the row of ``key``."""
    row = re.search(rf'<th scope="row">{re.escape(key)}</th>(.*?)</tr>', section(page, "changed"), re.S)
    assert row, f"{key} is not among the changed rows"
    found = re.findall(r"<strong>([^<]*)</strong>: <del>([^<]*)</del> → <ins>([^<]*)</ins>", row.group(1))
    return [tuple(html.unescape(v) for v in change) for change in found]


def lines(page: str, status: str) -> dict[str, int]:
    """``{code or username: line number}`` of the rows in a section of the dry run."""
    row = r'<th scope="row">([^<]*)</th>\s*<td class="int"[^>]*>(\d+)</td>'
    found = re.findall(row, section(page, status))
    return {html.unescape(key): int(line) for key, line in found}
