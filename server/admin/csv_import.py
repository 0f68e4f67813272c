"""CSV import of units and users: read and check every row first, apply only a file with no bad row.

Accepted files: UTF-8 with or without a BOM; comma- or semicolon-separated (Excel in a Vietnamese or
European locale saves ``;``). The delimiter is read off the header line, which must name the columns
(English or Vietnamese names, ``csv_columns.COLUMNS``, in any order, any case, with or without
diacritics). A row whose key (a unit's code, a user's username) exists updates that record; the dry
run says for each row whether it is new, changed (which fields, old and new), unchanged or bad.
The checks and the writes of each kind are in ``unit_import`` and ``user_import``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from server.admin.csv_columns import COLUMNS, REQUIRED, column_key, column_names
from server.auth.models import User

MAX_ROWS = 5000

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
STATUSES = (ERROR, CHANGED, NEW, UNCHANGED)  # the order the dry run lists them in

TEMPLATES = {
    "units": [tuple(COLUMNS["units"]),
              ("20", "Tỉnh đoàn Mẫu", "province", "", "01/07/2025", "", ""),
              ("20001", "Đoàn phường Mẫu Một", "ward", "20", "01/07/2025", "", ""),
              ("20002", "Đoàn xã Mẫu Hai", "commune", "20", "01/07/2025", "", "")],
    "users": [tuple(COLUMNS["users"]),
              ("nguyenvana", "Nguyễn Văn Mẫu", "cadre", "20", "yes", "no", "vi", ""),
              ("tranthib", "Trần Thị Thử", "cadre", "20", "no", "yes", "vi", ""),
              ("lequangc", "Lê Quang Ví Dụ", "supervisor", "20", "yes", "no", "en", "Phó Bí thư")],
}


@dataclass
class Change:
    """One field a row changes, as the dry run shows it."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class RowResult:
    """One data row: what it holds (parsed), what is wrong with it, what it would change."""

    line: int
    key: str
    label: str
    #: the row's values, parsed; an optional column left empty (or absent) is not in here
    values: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    #: the record the row updates (found by its key); None: a new record
    existing_id: int | None = None

    @property
    def status(self) -> str:
        if self.reasons:
            return ERROR
        if self.existing_id is None:
            return NEW
        return CHANGED if self.changes else UNCHANGED


@dataclass
class Preview:
    """What an import would do: every row with its outcome, and what is wrong with the file itself."""

    kind: str
    results: list[RowResult] = field(default_factory=list)
    #: the file's own faults (encoding, header, size) as (line, reason)
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: the columns the file has (an absent optional column changes nothing on existing records)
    columns: frozenset[str] = frozenset()

    @property
    def errors(self) -> list[tuple[int, str]]:
        """Every fault, the file's and each bad row's (all its reasons), with its line."""
        return self.problems + [(r.line, "; ".join(r.reasons)) for r in self.results if r.reasons]

    def by_status(self, status: str) -> list[RowResult]:
        return [r for r in self.results if r.status == status]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for r in self.results:
            counts[r.status] += 1
        return counts

    @property
    def to_write(self) -> list[RowResult]:
        return [r for r in self.results if r.status in (NEW, CHANGED)]

    @property
    def ok(self) -> bool:
        """No fault and something to write: the file may be applied."""
        return not self.errors and bool(self.to_write)


def decode(raw: bytes) -> str | None:
    """The file's text (UTF-8, a BOM dropped), or None when it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _header(kind: str, cells: list[str], preview: Preview) -> list[str] | None:
    """The header's cells as column names ('' for a blank cell), or None (faults in ``preview``)."""
    names = column_names(kind)
    header = [names.get(column_key(h), column_key(h)) if h.strip() else "" for h in cells]
    known = tuple(COLUMNS[kind])
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        preview.problems.append((1, _("Missing columns: %(columns)s. The first line must name the columns: "
                                      "%(expected)s.", columns=", ".join(missing),
                                      expected=", ".join(known))))
        return None
    unknown = [cell.strip() for cell, h in zip(cells, header, strict=True) if h and h not in known]
    if unknown:
        preview.problems.append((1, _("Unknown columns: %(columns)s.", columns=", ".join(unknown))))
        return None
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        preview.problems.append((1, _("Columns named twice (in English and Vietnamese?): %(columns)s.",
                                      columns=", ".join(twice))))
        return None
    return header


def read_rows(kind: str, text: str, preview: Preview) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as ``(line number, {column: text})``; the file's faults go to ``preview``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = _header(kind, next(reader), preview)
    except StopIteration:
        preview.problems.append((1, _("The file is empty.")))
        return []
    except csv.Error as error:
        preview.problems.append((1, _("The file is not a readable CSV file (%(error)s).", error=error)))
        return []
    if header is None:
        return []
    preview.columns = frozenset(h for h in header if h)
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines (Excel leaves some at the end)
            if len(values) > len(header):
                preview.problems.append((reader.line_num, _("More values than columns.")))
                continue
            rows.append((reader.line_num, {h: (values[i].strip() if i < len(values) else "")
                                           for i, h in enumerate(header) if h}))
            if len(rows) > MAX_ROWS:
                preview.problems.append((reader.line_num, _("More than %(max)s rows: split the file.",
                                                            max=MAX_ROWS)))
                return []
    except csv.Error as error:
        preview.problems.append((reader.line_num, _("The file is not a readable CSV file (%(error)s).",
                                                    error=error)))
    return rows


def check(kind: str, raw: bytes | str, actor: User) -> Preview:
    """Read and check a whole file against the database; nothing is written."""
    from server.admin import unit_import, user_import

    preview = Preview(kind)
    text = raw if isinstance(raw, str) else decode(raw)
    if text is None:
        preview.problems.append((1, _("The file is not UTF-8. In Excel, save it as “CSV UTF-8”.")))
        return preview
    rows = read_rows(kind, text, preview)
    if kind == "units":
        unit_import.check_units(rows, preview)
    else:
        user_import.check_users(rows, preview, actor)
    if not rows and not preview.problems:
        preview.problems.append((2, _("The file has no rows.")))
    return preview


def apply(preview: Preview, actor: User) -> list[tuple[str, str, str]]:
    """Write the new and changed rows of a checked, faultless preview (flushes).

    For users, returns ``(username, full name, temporary password)`` of each new user, for the admin
    to hand out once; a changed user keeps their password.
    """
    from server.admin import unit_import, user_import

    if not preview.ok:
        raise ValueError("only a file with no bad row and something to change is applied")
    if preview.kind == "units":
        unit_import.apply_units(preview, actor)
        return []
    return user_import.apply_users(preview, actor)


def import_summary(preview: Preview) -> dict[str, Any]:
    """The audit entry's details of an applied import: what it created and updated, by key."""
    counts = preview.counts
    written = preview.to_write
    key = "codes" if preview.kind == "units" else "usernames"
    return {"rows": len(written), key: [r.key for r in written],
            "created": counts[NEW], "updated": counts[CHANGED], "unchanged": counts[UNCHANGED]}


def template_csv(kind: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(TEMPLATES[kind])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read the Vietnamese letters right
