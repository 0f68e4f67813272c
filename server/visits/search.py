"""Search that ignores diacritics and case, as Vietnamese users type on any keyboard."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

#: the texts of a visit that a search looks in
SEARCHED = ("summary", "findings", "recommendations")


def plain(text: str) -> str:
    """Lower case without diacritics: "Kiểm tra Đoàn" → "kiem tra doan"."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def search_text(row: Mapping[str, Any]) -> str:
    """What the visits.search_text column holds for a stored copy."""
    return plain(" ".join(row[name] or "" for name in SEARCHED))


def like_patterns(query: str) -> list[str]:
    """One LIKE pattern (escape character ``\\``) per word of ``query``: a match has them all."""
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in plain(query).split())
    return [f"%{word}%" for word in escaped]
