"""The order in which units are listed and chosen, and the former district a commune belongs to.

Ordering by the materialised path ("/1/12/" < "/1/7/") follows the order the ids were made in,
compared as text: a department created after the wards lands among them, and unit 100 sorts
before unit 99. People read a unit list as a tree: each unit followed by the units under it,
siblings by kind (the province's own departments, then districts, wards, communes) and then by
name in Vietnamese alphabetical order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy import select

from server.extensions import db
from server.units.models import Unit, UnitKind
from server.units.names import vietnamese_order

#: siblings' order by kind: the province's own bodies before the districts, wards before communes
#: (the order of the province's official lists); an unknown kind goes last
KIND_RANK = {UnitKind.PROVINCE.value: 0, UnitKind.AGENCY.value: 1, UnitKind.DISTRICT.value: 2,
             UnitKind.WARD.value: 3, UnitKind.COMMUNE.value: 4}

_DIGITS = re.compile(r"\d+")

#: how many mergers back ``former_districts`` looks (``final_units`` follows chains 10 deep)
MAX_HISTORY = 10


class UnitLike(Protocol):
    """A unit or a row with the columns the order needs."""

    id: int
    path: str
    kind: str
    name: str


U = TypeVar("U", bound=UnitLike)


def _ids_in(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def sibling_key(kind: str, name: str, unit_id: int) -> tuple[Any, ...]:
    """Where a unit stands among its siblings: kind, then name (the id breaks ties)."""
    # numbered wards ("Phường 2" before "Phường 10"): digits compared as numbers, padded
    natural = _DIGITS.sub(lambda match: match.group().zfill(9), name)
    return KIND_RANK.get(kind, len(KIND_RANK)), vietnamese_order(natural), unit_id


def units_in_tree_order(units: Iterable[U]) -> list[U]:
    """``units`` as a tree is read: each one before the units below it, siblings by kind and name.

    The units need not form a whole tree (a reader's scope, the communes alone): the ancestors
    named in their paths and not among them are read in one query, so that each unit still
    sorts under its parent's place.
    """
    units = list(units)
    known: dict[int, tuple[str, str]] = {u.id: (u.kind, u.name) for u in units}
    missing = {i for u in units for i in _ids_in(u.path)} - known.keys()
    if missing:
        known |= {row.id: (row.kind, row.name) for row in db.session.execute(
            select(Unit.id, Unit.kind, Unit.name).where(Unit.id.in_(missing)))}
    return sorted(units, key=lambda u: _tree_key(u, known))


def _tree_key(unit: UnitLike, known: Mapping[int, tuple[str, str]]) -> tuple[tuple[Any, ...], ...]:
    # each level's sibling key from the top down: a parent's key is a prefix of its children's
    ids = _ids_in(unit.path) or [unit.id]  # a unit not yet placed in the tree has no path
    return tuple(sibling_key(*known.get(i, ("", "")), i) for i in ids)


def former_districts(units: Iterable[Unit]) -> dict[int, Unit | None]:
    """By unit id: the district each unit belongs or belonged to, None if none can be told.

    A commune still under a district belongs to it. Since the 2025 reform communes hang under
    the province and the districts are retired; such a commune's district is read from its
    history (``successor_id`` points from the old unit to the new): a district merged into it,
    or the district of a commune merged into it, the nearest merger first.
    """
    rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.kind, Unit.successor_id)).all()
    kind = {row.id: row.kind for row in rows}
    parent = {row.id: row.parent_id for row in rows}
    predecessors: dict[int, list[int]] = {}
    for row in rows:
        if row.successor_id is not None:
            predecessors.setdefault(row.successor_id, []).append(row.id)

    def district_of(unit_id: int) -> int | None:
        level, seen = [unit_id], {unit_id}
        for _ in range(MAX_HISTORY + 1):
            for node in level:  # the unit's own parent first, then its predecessors' (and theirs)
                if kind.get(node) == UnitKind.DISTRICT.value and node != unit_id:
                    return node
                if kind.get(parent.get(node)) == UnitKind.DISTRICT.value:
                    return parent[node]
            level = [p for node in level for p in sorted(predecessors.get(node, ())) if p not in seen]
            seen.update(level)
            if not level:
                return None
        return None

    found = {u.id: district_of(u.id) for u in units}
    districts = {u.id: u for u in db.session.scalars(
        select(Unit).where(Unit.id.in_({i for i in found.values() if i is not None})))}
    return {unit_id: districts.get(district_id) if district_id else None
            for unit_id, district_id in found.items()}


def by_former_district(units: Iterable[Unit]) -> list[tuple[Unit | None, bool, list[Unit]]]:
    """``units`` (communes, wards) in groups, ``(group unit, is a district, units)``: under the
    district each belongs or belonged to (``former_districts``), else under its parent (the
    province, for a ward that never had a district). Districts come first, the groups and the
    units in each in tree order: an admin assigning 65 communes finds them as the province's old
    map had them."""
    units = list(units)
    districts = former_districts(units)
    groups: dict[int | None, list[Unit]] = {}
    heads: dict[int | None, Unit | None] = {}
    for unit in units:
        head = districts[unit.id] or unit.parent
        key = head.id if head is not None else None
        heads[key] = head
        groups.setdefault(key, []).append(unit)
    found = [head for head in heads.values() if head is not None]
    order = [h.id for h in units_in_tree_order(h for h in found if h.kind == UnitKind.DISTRICT.value)]
    order += [h.id for h in units_in_tree_order(h for h in found if h.kind != UnitKind.DISTRICT.value)]
    order += [None] if None in groups else []
    return [(heads[key], heads[key] is not None and heads[key].kind == UnitKind.DISTRICT.value,
             sorted(groups[key], key=lambda u: sibling_key(u.kind, u.name, u.id))) for key in order]
