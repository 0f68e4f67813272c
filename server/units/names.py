"""Vietnamese alphabetical order for names (units, people) without ICU.

Python's ``sorted`` orders by code point, which puts "Đồng Đăng" after "Yên Bình" and "Ân Thi"
after "Yên". Vietnamese dictionaries order by letter first (a ă â b c d đ e ê … o ô ơ … u ư …) and
by tone only to break ties. ICU does this, but PyICU needs a compiled libicu; a name list needs
only these few rules.
"""

from __future__ import annotations

import unicodedata

#: marks that make another letter: ă â ê ô ơ ư (breve, circumflex, horn)
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
#: the tones, in dictionary order after the level tone: huyền, hỏi, ngã, sắc, nặng
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

Key = tuple[tuple[tuple[str, int], ...], tuple[tuple[int, int], ...]]


def vietnamese_order(name: str) -> Key:
    """A sort key: letters (with đ after d, ă â after a …) first, then tones."""
    letters: list[tuple[str, int]] = []
    tones: list[tuple[int, int]] = []
    for char in unicodedata.normalize("NFD", name.casefold()):
        if char in _LETTER_MARKS and letters:
            letters[-1] = (letters[-1][0], _LETTER_MARKS[char])
        elif char in _TONES:
            tones.append((len(letters), _TONES[char]))
        elif char == "đ":
            letters.append(("d", 1))
        else:
            letters.append((char, 0))
    return tuple(letters), tuple(tones)
