"""The import files' columns and values: English and Vietnamese names, kinds, roles, dates, flags.

A header or a word is compared in its *plain* form: lower case, without Vietnamese diacritics
(``đ`` read as ``d``), every run of spaces or punctuation one ``_``. So ``Mã đơn vị``, ``ma don vi``
and ``MA_DON_VI`` are the same column, and ``Xã``, ``xa`` and ``XÃ`` the same kind.
docs/admin.md lists the names.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from server.auth.models import Role
from server.units.models import UnitKind

#: each kind's columns, in the template's order, with the other names accepted for them
#: (Vietnamese, written here with their diacritics; matched with or without them)
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "code": ("mã", "mã đơn vị"),
        "name": ("tên", "tên đơn vị"),
        "kind": ("cấp", "loại"),
        "parent_code": ("đơn vị cha", "mã đơn vị cha", "mã cha", "đơn vị cấp trên", "mã đơn vị cấp trên"),
        "valid_from": ("hiệu lực từ", "từ ngày"),
        "valid_until": ("hiệu lực đến", "đến ngày", "valid_to"),
        "successor": ("đơn vị kế thừa", "mã đơn vị kế thừa", "kế thừa", "successor_code"),
    },
    "users": {
        "username": ("tên đăng nhập",),
        "full_name": ("họ tên", "họ và tên"),
        "role": ("vai trò",),
        "unit_code": ("mã đơn vị", "đơn vị"),
        "full_time": ("chuyên trách",),
        "probationary": ("tập sự",),
        "language": ("ngôn ngữ",),
        "position": ("chức vụ",),
    },
}
REQUIRED = {"units": ("code", "name", "kind"), "users": ("username", "full_name", "role", "unit_code")}


def plain(text: str) -> str:
    """Lower case without Vietnamese diacritics, so 'Xã', 'xa' and 'XÃ' all match."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def column_key(header: str) -> str:
    """A header cell as compared: plain, words joined by ``_`` ('Họ và tên' -> 'ho_va_ten')."""
    return re.sub(r"[^a-z0-9]+", "_", plain(header)).strip("_")


def column_names(kind: str) -> dict[str, str]:
    """``{plain header: column}`` for every accepted name of ``kind``'s columns."""
    names = {}
    for column, aliases in COLUMNS[kind].items():
        for name in (column, *aliases):
            names[column_key(name)] = column
    return names


KIND_ALIASES = {k.value: k.value for k in UnitKind} | {
    "tinh": "province", "huyen": "district", "quan": "district", "thi xa": "district",
    "thanh pho": "district",
    "xa": "commune", "phuong": "ward", "thi tran": "ward", "co quan": "agency", "ban": "agency"}
ROLE_ALIASES = {r.value: r.value for r in Role} | {
    "can bo": "cadre", "giam sat": "supervisor", "quan tri": "admin"}
TRUE_WORDS = {"1", "yes", "y", "true", "x", "co"}
FALSE_WORDS = {"", "0", "no", "n", "false", "khong"}


@lru_cache(maxsize=1024)
def parse_date(value: str) -> date:
    """dd/mm/yyyy (or yyyy-mm-dd, dd-mm-yyyy); ValueError otherwise. Cached: a file repeats a few
    dates thousands of times, and strptime costs more than all the other checks of a row."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_flag(value: str) -> bool:
    word = plain(value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(value)
