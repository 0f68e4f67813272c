"""What a unit's documents print as the issuing body and in the signature block (Hướng dẫn
29-HD/TWĐTN-VP): the committee's own name ("BCH ĐOÀN TỈNH LẠNG SƠN"), with a second line where a
body of it issues ("BAN THƯỜNG VỤ"); "T/M BAN THƯỜNG VỤ", the signer's title ("BÍ THƯ" or "PHÓ
BÍ THƯ") and name.

An administrator sets them per unit (``UnitLetterhead``); what is not set is derived from the
unit: its name read as the Union names its committee ("Tỉnh đoàn Lạng Sơn" → "BCH ĐOÀN TỈNH LẠNG
SƠN", "Đoàn xã Đồng Đăng" → "BCH ĐOÀN XÃ ĐỒNG ĐĂNG"), the title "BÍ THƯ" and no name (room is left
for it; the hearing's report writes the hearing's chair there). A department has no committee of
its own: its documents print its parent's.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.documents.models import UnitLetterhead
from server.extensions import db
from server.units.models import Unit, UnitKind

ON_BEHALF = "T/M BAN THƯỜNG VỤ"
SIGNER_TITLES = ("BÍ THƯ", "PHÓ BÍ THƯ")
DEFAULT_TITLE = "BÍ THƯ"
#: the Union's word for a unit at the start of its name → how its committee is named
LEVELS = (("Tỉnh đoàn ", "ĐOÀN TỈNH"), ("Thành đoàn ", "ĐOÀN TP."), ("Huyện đoàn ", "ĐOÀN HUYỆN"),
          ("Quận đoàn ", "ĐOÀN QUẬN"), ("Thị đoàn ", "ĐOÀN THỊ XÃ"), ("Đoàn xã ", "ĐOÀN XÃ"),
          ("Đoàn phường ", "ĐOÀN PHƯỜNG"), ("Đoàn thị trấn ", "ĐOÀN THỊ TRẤN"))
#: a bare place name ("Lạng Sơn") by the unit's kind
BY_KIND = {UnitKind.PROVINCE: "ĐOÀN TỈNH", UnitKind.DISTRICT: "ĐOÀN HUYỆN", UnitKind.COMMUNE: "ĐOÀN XÃ",
           UnitKind.WARD: "ĐOÀN PHƯỜNG"}
#: a place name that already says what it is ("Tỉnh Lạng Sơn", "Xã Đồng Đăng")
PLACE_WORDS = ("tỉnh ", "thành phố ", "huyện ", "quận ", "thị xã ", "xã ", "phường ", "thị trấn ")


@dataclass(frozen=True)
class Letterhead:
    """What is printed; ``derived`` names the fields that were not set for the unit itself."""

    issuing_body: str
    issuing_office: str
    signer_title: str
    signer_name: str
    derived: frozenset[str] = frozenset()
    on_behalf: str = ON_BEHALF

    @property
    def header_lines(self) -> list[str]:
        """The issuing body's lines at the top left, over "***"."""
        return [self.issuing_body, *([self.issuing_office] if self.issuing_office else [])]


def derived_issuing_body(unit: Unit) -> str:
    """The committee's name read from the unit's name and kind: "BCH ĐOÀN TỈNH LẠNG SƠN"."""
    name = " ".join(unit.name.split())
    folded = name.casefold()
    for prefix, words in LEVELS:
        if folded.startswith(prefix.casefold()):
            return f"BCH {words} {name[len(prefix):].upper()}"
    if folded.startswith(PLACE_WORDS):  # "Xã Đồng Đăng": the name says what the place is
        return f"BCH ĐOÀN {name.upper()}"
    if folded.startswith("đoàn ") and unit.kind not in (UnitKind.COMMUNE, UnitKind.WARD):
        return f"BCH {name.upper()}"  # "Đoàn Khối các cơ quan tỉnh" (but xã "Đoàn Kết" is a place)
    words = BY_KIND.get(unit.kind)
    return f"BCH {words} {name.upper()}" if words else f"BCH {name.upper()}"


def own_settings(unit: Unit) -> UnitLetterhead | None:
    """What an administrator set for the unit itself, if anything."""
    return db.session.get(UnitLetterhead, unit.id)


def defaults_for(unit: Unit) -> Letterhead:
    """What the unit's documents print where nothing is set for the unit itself: derived from the
    unit, or for a department its parent's letterhead."""
    if unit.kind == UnitKind.AGENCY and unit.parent is not None:
        return letterhead_for(unit.parent)
    return Letterhead(derived_issuing_body(unit), "", DEFAULT_TITLE, "")


def letterhead_for(unit: Unit) -> Letterhead:
    """What the unit's documents print: its own settings, the rest ``defaults_for`` the unit."""
    settings, defaults = own_settings(unit), defaults_for(unit)
    fields = ("issuing_body", "issuing_office", "signer_title", "signer_name")
    if settings is None:
        return Letterhead(*(getattr(defaults, f) for f in fields), derived=frozenset(fields))
    derived = frozenset(f for f in fields if not getattr(settings, f))
    return Letterhead(*(getattr(settings, f) or getattr(defaults, f) for f in fields), derived=derived)


def save_settings(unit: Unit, *, issuing_body: str | None, issuing_office: str | None,
                  signer_title: str | None, signer_name: str | None) -> dict[str, list[str | None]]:
    """Store the unit's settings (blank: derive it); the issuing body's lines and the title in
    capitals as the format writes them. Returns what changed, ``{field: [before, after]}``."""
    settings = own_settings(unit)
    if settings is None:
        settings = UnitLetterhead(unit_id=unit.id)
        db.session.add(settings)
    after = {"issuing_body": _caps(issuing_body), "issuing_office": _caps(issuing_office),
             "signer_title": _caps(signer_title),
             "signer_name": " ".join((signer_name or "").split()) or None}
    changes = {}
    for key, value in after.items():
        before = getattr(settings, key)
        if before != value:
            changes[key] = [before, value]
            setattr(settings, key, value)
    return changes


def _caps(text: str | None) -> str | None:
    return " ".join((text or "").split()).upper() or None
