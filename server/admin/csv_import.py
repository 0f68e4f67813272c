"""CSV import of units and users: parse and check every row first, apply only a file with no bad row.

Accepted files: UTF-8 with or without a BOM; comma- or semicolon-separated (Excel in a Vietnamese or
European locale saves ``;``). The delimiter is read off the header line, which must name the columns
(English names as in the template, in any order, any case). Dates are dd/mm/yyyy or yyyy-mm-dd.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from server.admin.forms import USERNAME_PATTERN
from server.audit.services import record
from server.auth.models import Role, User
from server.auth.services import create_user_with_temporary_password
from server.extensions import db
from server.units.models import Unit, UnitKind
from server.units.services import create_unit

MAX_ROWS = 5000

UNIT_COLUMNS = ("code", "name", "kind", "parent_code", "valid_from")
USER_COLUMNS = ("username", "full_name", "role", "unit_code", "full_time", "probationary", "language")
REQUIRED = {"units": ("code", "name", "kind"), "users": ("username", "full_name", "role", "unit_code")}
TEMPLATES = {
    "units": [UNIT_COLUMNS, ("20", "Tỉnh đoàn Mẫu", "province", "", "01/07/2025"),
              ("20001", "Đoàn phường Mẫu Một", "ward", "20", "01/07/2025"),
              ("20002", "Đoàn xã Mẫu Hai", "commune", "20", "01/07/2025")],
    "users": [USER_COLUMNS, ("nguyenvana", "Nguyễn Văn Mẫu", "cadre", "20", "yes", "no", "vi"),
              ("tranthib", "Trần Thị Thử", "cadre", "20", "no", "yes", "vi"),
              ("lequangc", "Lê Quang Ví Dụ", "supervisor", "20", "yes", "no", "en")],
}


def _plain(text: str) -> str:
    """Lower case without Vietnamese diacritics, so 'Xã', 'xa' and 'XÃ' all match."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


KIND_ALIASES = {k.value: k.value for k in UnitKind} | {
    "tinh": "province", "huyen": "district", "quan": "district", "thi xa": "district",
    "thanh pho": "district",
    "xa": "commune", "phuong": "ward", "thi tran": "ward", "co quan": "agency", "ban": "agency"}
ROLE_ALIASES = {r.value: r.value for r in Role} | {
    "can bo": "cadre", "giam sat": "supervisor", "quan tri": "admin"}
TRUE_WORDS = {"1", "yes", "y", "true", "x", "co"}
FALSE_WORDS = {"", "0", "no", "n", "false", "khong"}


@dataclass
class Preview:
    """What an import would do: the rows read, and every bad row with its line and reason."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def decode(raw: bytes) -> str | None:
    """The file's text (UTF-8, a BOM dropped), or None when it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _date(value: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _flag(value: str) -> bool:
    word = _plain(value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(value)


def read_rows(kind: str, text: str, preview: Preview) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as ``(line number, {column: text})``; header problems go to ``preview``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [_plain(h).replace(" ", "_") for h in next(reader)]
    except StopIteration:
        preview.errors.append((1, _("The file is empty.")))
        return []
    except csv.Error as error:
        preview.errors.append((1, _("The file is not a readable CSV file (%(error)s).", error=error)))
        return []
    known = UNIT_COLUMNS if kind == "units" else USER_COLUMNS
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        preview.errors.append((1, _("Missing columns: %(columns)s. The first line must name the columns: "
                                    "%(expected)s.", columns=", ".join(missing), expected=", ".join(known))))
        return []
    unknown = [h for h in header if h and h not in known]
    if unknown:
        preview.errors.append((1, _("Unknown columns: %(columns)s.", columns=", ".join(unknown))))
        return []
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines (Excel leaves some at the end)
            if len(values) > len(header):
                preview.errors.append((reader.line_num, _("More values than columns.")))
                continue
            rows.append((reader.line_num, {h: (values[i].strip() if i < len(values) else "")
                                           for i, h in enumerate(header) if h}))
            if len(rows) > MAX_ROWS:
                preview.errors.append((reader.line_num, _("More than %(max)s rows: split the file.",
                                                          max=MAX_ROWS)))
                return []
    except csv.Error as error:
        preview.errors.append((reader.line_num, _("The file is not a readable CSV file (%(error)s).",
                                                  error=error)))
    return rows


def check(kind: str, raw: bytes | str) -> Preview:
    """Read and check a whole file against the database; nothing is written."""
    preview = Preview(kind)
    text = raw if isinstance(raw, str) else decode(raw)
    if text is None:
        preview.errors.append((1, _("The file is not UTF-8. In Excel, save it as “CSV UTF-8”.")))
        return preview
    rows = read_rows(kind, text, preview)
    (_check_units if kind == "units" else _check_users)(rows, preview)
    if not rows and not preview.errors:
        preview.errors.append((2, _("The file has no rows.")))
    return preview


def _check_units(rows: list[tuple[int, dict[str, str]]], preview: Preview) -> None:
    codes_in_file = {r["code"] for _line, r in rows if r.get("code")}
    existing = set(db.session.scalars(select(Unit.code).where(Unit.code.in_(codes_in_file))))
    seen: set[str] = set()
    for line, r in rows:
        problems = []
        code, name, parent_code = r.get("code", ""), r.get("name", ""), r.get("parent_code", "")
        kind = KIND_ALIASES.get(_plain(r.get("kind", "")))
        if not code:
            problems.append(_("the code is missing"))
        elif len(code) > 20:
            problems.append(_("the code is longer than 20 characters"))
        elif code in existing:
            problems.append(_("a unit with code %(code)s already exists", code=code))
        elif code in seen:
            problems.append(_("code %(code)s appears twice in the file", code=code))
        if not name:
            problems.append(_("the name is missing"))
        elif len(name) > 200:
            problems.append(_("the name is longer than 200 characters"))
        if kind is None:
            problems.append(_("unknown kind “%(kind)s” (province, district, commune, ward, agency)",
                              kind=r.get("kind", "")))
        if parent_code and parent_code not in codes_in_file and not _unit_code_exists(parent_code):
            problems.append(_("no unit has the parent code %(code)s", code=parent_code))
        if parent_code and parent_code == code:
            problems.append(_("a unit cannot be its own parent"))
        valid_from = None
        if r.get("valid_from"):
            try:
                valid_from = _date(r["valid_from"])
            except ValueError:
                problems.append(_("the date “%(value)s” is not dd/mm/yyyy", value=r["valid_from"]))
        seen.add(code)
        if problems:
            preview.errors.append((line, "; ".join(problems)))
        else:
            preview.rows.append({"line": line, "code": code, "name": name, "kind": kind,
                                 "parent_code": parent_code or None, "valid_from": valid_from})
    if not preview.errors:
        _check_unit_cycles(preview)


def _check_unit_cycles(preview: Preview) -> None:
    """Parents named only in the file must lead back to a unit that exists (no loops)."""
    parent_of = {r["code"]: r["parent_code"] for r in preview.rows}
    for r in preview.rows:
        seen, code = set(), r["code"]
        while parent_of.get(code):
            if code in seen:
                preview.errors.append((r["line"], _("the parent codes go round in a circle")))
                break
            seen.add(code)
            code = parent_of[code]


def _unit_code_exists(code: str) -> bool:
    return db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None


def _check_users(rows: list[tuple[int, dict[str, str]]], preview: Preview) -> None:
    names = {r.get("username", "").lower() for _line, r in rows}
    existing = set(db.session.scalars(select(User.username).where(User.username.in_(names))))
    unit_codes = {r.get("unit_code", "") for _line, r in rows}
    units = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(unit_codes))).all())
    seen: set[str] = set()
    for line, r in rows:
        problems = []
        username = r.get("username", "").lower()
        if not username:
            problems.append(_("the username is missing"))
        elif len(username) > 80 or not re.match(USERNAME_PATTERN, username):
            problems.append(_("the username “%(name)s” may only have lower-case letters, digits, dots, "
                              "dashes and underscores", name=username))
        elif username in existing:
            problems.append(_("the username %(name)s is already taken", name=username))
        elif username in seen:
            problems.append(_("the username %(name)s appears twice in the file", name=username))
        seen.add(username)
        full_name = r.get("full_name", "")
        if not full_name:
            problems.append(_("the full name is missing"))
        elif len(full_name) > 200:
            problems.append(_("the full name is longer than 200 characters"))
        role = ROLE_ALIASES.get(_plain(r.get("role", "")))
        if role is None:
            problems.append(_("unknown role “%(role)s” (cadre, supervisor, admin)", role=r.get("role", "")))
        unit_id = units.get(r.get("unit_code", ""))
        if unit_id is None:
            problems.append(_("no unit has the code “%(code)s”", code=r.get("unit_code", "")))
        flags = {}
        for column, default in (("full_time", True), ("probationary", False)):
            value = r.get(column)
            try:
                flags[column] = default if value is None else _flag(value)
            except ValueError:
                problems.append(_("%(column)s must be yes or no, not “%(value)s”",
                                  column=column, value=value))
        language = (r.get("language") or "vi").lower()
        if language not in ("vi", "en"):
            problems.append(_("the language must be vi or en, not “%(value)s”", value=language))
        if problems:
            preview.errors.append((line, "; ".join(problems)))
        else:
            preview.rows.append({"line": line, "username": username, "full_name": full_name, "role": role,
                                 "unit_id": unit_id, "unit_code": r["unit_code"], "language": language,
                                 "full_time": flags["full_time"], "probationary": flags["probationary"]})


def apply(preview: Preview, actor: User) -> list[tuple[str, str, str]]:
    """Write a checked, faultless preview (flushes).

    For users, returns ``(username, full name, temporary password)`` for the admin to hand out once.
    """
    if not preview.ok:
        raise ValueError("only a file with no bad row is applied")
    passwords: list[tuple[str, str, str]] = []
    if preview.kind == "units":
        _apply_units(preview.rows)
    else:
        for r in preview.rows:
            user, password = create_user_with_temporary_password(
                actor, username=r["username"], full_name=r["full_name"], role=r["role"],
                unit=db.session.get(Unit, r["unit_id"]), is_full_time=r["full_time"],
                is_probationary=r["probationary"], locale=r["language"])
            passwords.append((user.username, user.full_name, password))
    key = "code" if preview.kind == "units" else "username"
    record("import", preview.kind, len(preview.rows), actor_id=actor.id, rows=len(preview.rows),
           **{f"{key}s": [r[key] for r in preview.rows]})
    return passwords


def _apply_units(rows: list[dict[str, Any]]) -> None:
    """Create units parents first, whatever order the file lists them in."""
    pending = list(rows)
    created: dict[str, Unit] = {}
    while pending:
        left = []
        for r in pending:
            parent = None
            if r["parent_code"]:
                parent = created.get(r["parent_code"]) or db.session.scalar(
                    select(Unit).where(Unit.code == r["parent_code"]))
                if parent is None:
                    left.append(r)
                    continue
            unit = create_unit(r["name"], r["kind"], parent, r["code"], r["valid_from"])
            created[r["code"]] = unit
        if len(left) == len(pending):
            raise ValueError("unresolvable parent codes")  # _check_unit_cycles rules this out
        pending = left


def template_csv(kind: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(TEMPLATES[kind])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read the Vietnamese letters right
