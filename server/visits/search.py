"""Search that ignores diacritics and case, as Vietnamese users type on any keyboard."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

#: the texts of a visit that a search looks in
SEARCHED = ("summary", "findings", "recommendations")


#: anything but ASCII and the common combining marks (U+0300–U+036F, those that combine): a text
#: without such characters loses its marks by dropping everything that is not ASCII
_NOT_LATIN_NFD = re.compile("[^\x00-\x7f" + "".join(
    chr(code) for code in range(0x300, 0x370) if unicodedata.combining(chr(code))) + "]")


def plain(text: str) -> str:
    """Lower case without diacritics: "Kiểm tra Đoàn" → "kiem tra doan"."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    if _NOT_LATIN_NFD.search(text) is None:
        # Vietnamese: done in C. A character at a time in Python took about 2 ms for a visit's
        # 1.7 KB of free text on the shared machine, a third of the time of a push.
        return text.encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in text if not unicodedata.combining(c))


def search_text(row: Mapping[str, Any]) -> str:
    """What the visits.search_text column holds for a stored copy."""
    return plain(" ".join(row[name] or "" for name in SEARCHED))


def like_patterns(query: str) -> list[str]:
    """One LIKE pattern (escape character ``\\``) per word of ``query``: a match has them all."""
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in plain(query).split())
    return [f"%{word}%" for word in escaped]
