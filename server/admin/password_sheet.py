"""The temporary passwords of an import, handed out once: slips to print and the same as CSV.

Nothing keeps them on the server. The page that shows them after the import (``no-store``) also
carries them in a hidden field; "Download as CSV" posts that field back and gets it as a file, so the
CSV exists only while the admin has that page open, as the slips do.
"""

from __future__ import annotations

import io
import json

from flask_babel import lazy_gettext as _l

from server.admin.csv_import import MAX_ROWS
from server.reports.exports import write_csv
from server.reports.tables import Column, Table

Slip = tuple[str, str, str]  # username, full name, temporary password


def encode(slips: list[Slip]) -> str:
    """The slips as the page's hidden field carries them."""
    return json.dumps([list(slip) for slip in slips], ensure_ascii=False)


def decode(text: str) -> list[Slip] | None:
    """The slips posted back, or None when the field is not what ``encode`` wrote."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or not 0 < len(data) <= MAX_ROWS:
        return None
    if not all(_fits(row) for row in data):
        return None
    return [(username, full_name, password) for username, full_name, password in data]


def _fits(row: object) -> bool:
    return isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) and len(v) <= 200 for v in row)


def to_csv(slips: list[Slip], sign_in_url: str) -> bytes:
    """One line a person: name, username, temporary password, where to sign in (UTF-8 with a BOM)."""
    columns = [Column(_l("Full name")), Column(_l("Username")), Column(_l("Temporary password")),
               Column(_l("Sign in at"))]
    table = Table("dicoso-temporary-passwords",
                  columns, [(name, username, password, sign_in_url) for username, name, password in slips])
    out = io.BytesIO()
    write_csv(table, table.rows, out)
    return out.getvalue()
