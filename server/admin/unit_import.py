"""Units from a CSV file: each row new, changed or unchanged against the database, then written with
a few statements for the whole file (never a query per row: a province's 5,000 units must apply
well within a web worker's timeout).

Update rules (docs/admin.md): a unit is found by its code. A column missing from the file, or an
empty cell of an optional column, leaves that field of an existing unit as it is. History: a unit
with ``valid_until`` ends on that day (``retire_unit``); with a ``successor`` as well it is merged
into it from the next day (``merge_many``, as the merge form does), so the regime's rules
(``server/regime/units.py``) see an imported reform exactly as one made with the forms.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from server.admin.csv_columns import KIND_ALIASES, parse_date, plain
from server.admin.csv_import import CHANGED, NEW, Change, Preview, RowResult, import_summary
from server.admin.forms import kind_choices
from server.audit.services import record, record_many
from server.auth.models import User
from server.extensions import db
from server.regime.units import MAX_SUCCESSIONS
from server.units import services
from server.units.models import Unit

#: the fields a row may change, in the order the dry run names them
FIELDS = ("name", "kind", "parent_code", "valid_from", "valid_until", "successor")
#: fields written as they are (the others go through the tree and the history services)
PLAIN = {"name": "name", "kind": "kind", "valid_from": "valid_from"}

Node = int | str  # a unit in the database by id, or a new one of the file by code


@dataclass(frozen=True)
class Stored:
    """A unit as the database holds it (one query reads them all)."""

    id: int
    code: str | None
    name: str
    kind: str
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None
    successor_id: int | None


class Units:
    """The units after the import, as the checks need them: the database's, with the file's rows on top."""

    def __init__(self) -> None:
        columns = (Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.valid_from,
                   Unit.valid_to, Unit.successor_id)
        self.stored = {row.id: row for row in (Stored(*r) for r in db.session.execute(select(*columns)))}
        self.id_of = {u.code: u.id for u in self.stored.values() if u.code}
        self.new_codes: set[str] = set()
        self.parent_of: dict[Node, Node | None] = {u.id: u.parent_id for u in self.stored.values()}
        self.successor_of: dict[Node, Node | None] = {u.id: u.successor_id for u in self.stored.values()}
        self.dates: dict[Node, tuple[date | None, date | None]] = {
            u.id: (u.valid_from, u.valid_to) for u in self.stored.values()}

    def overlay(self, rows: list[RowResult]) -> None:
        """Lay the file's good rows over the database's units."""
        self.new_codes = {r.key for r in rows if r.key and r.key not in self.id_of}
        for r in rows:
            if not r.reasons:
                self._overlay(r)

    def node(self, code: str) -> Node | None:
        if code in self.id_of:
            return self.id_of[code]
        return code if code in self.new_codes else None

    def _overlay(self, r: RowResult) -> None:
        n, v = self.node(r.key), r.values
        if "parent_code" in v or r.existing_id is None:
            self.parent_of[n] = self.node(v["parent_code"]) if v.get("parent_code") else None
        if "successor" in v or r.existing_id is None:
            self.successor_of[n] = self.node(v["successor"]) if v.get("successor") else None
        old_from, old_until = self.dates.get(n, (None, None))
        self.dates[n] = (v.get("valid_from", old_from), v.get("valid_until", old_until))

    def ref(self, node: Node | None) -> str:
        """A unit as the dry run names it: its code, or its name when it has none."""
        if node is None:
            return "—"
        if isinstance(node, str):
            return node
        return self.stored[node].code or self.stored[node].name

    def loops(self, links: dict[Node, Node | None], start: Node) -> int | None:
        """How many links from ``start`` to the end of its chain; None if it goes round in a circle."""
        node, steps = links.get(start), 0
        while node is not None:
            if node == start or steps > len(links):
                return None
            node, steps = links.get(node), steps + 1
        return steps


def _parse(line: int, r: dict[str, str], units_in_db: Collection[str], codes_in_file: set[str],
           seen: set[str]) -> RowResult:
    code, name = r.get("code", ""), r.get("name", "")
    result = RowResult(line, code, name)
    problems, values = result.reasons, result.values
    if not code:
        problems.append(_("the code is missing"))
    elif len(code) > 20:
        problems.append(_("the code is longer than 20 characters"))
    elif code in seen:
        problems.append(_("code %(code)s appears twice in the file", code=code))
    seen.add(code)
    if not name:
        problems.append(_("the name is missing"))
    elif len(name) > 200:
        problems.append(_("the name is longer than 200 characters"))
    values["name"] = name
    values["kind"] = KIND_ALIASES.get(plain(r.get("kind", "")))
    if values["kind"] is None:
        problems.append(_("unknown kind “%(kind)s” (province, district, commune, ward, agency)",
                          kind=r.get("kind", "")))
    for column in ("parent_code", "successor"):
        other = r.get(column, "")
        if not other:
            continue
        values[column] = other
        if other == code:
            problems.append(_("a unit cannot be its own parent") if column == "parent_code"
                            else _("a unit cannot be its own successor"))
        elif other not in codes_in_file and other not in units_in_db:
            problems.append(_("no unit has the code %(code)s (column %(column)s)", code=other, column=column))
    for column in ("valid_from", "valid_until"):
        if r.get(column):
            try:
                values[column] = parse_date(r[column])
            except ValueError:
                problems.append(_("the date “%(value)s” is not dd/mm/yyyy", value=r[column]))
    return result


def check_units(rows: list[tuple[int, dict[str, str]]], preview: Preview) -> None:
    """Fill ``preview`` with each row's outcome: reads the units once, then works in memory."""
    units = Units()
    codes_in_file = {r["code"] for _line, r in rows if r.get("code")}
    seen: set[str] = set()
    preview.results = [_parse(line, r, units.id_of.keys(), codes_in_file, seen) for line, r in rows]
    for result in preview.results:
        result.existing_id = units.id_of.get(result.key)
    units.overlay(preview.results)
    labels = _labels()  # translated once: gettext costs about 0.1 ms a call, 5,000 rows call it often
    for result in preview.results:
        if result.reasons:
            continue
        _check_tree_and_history(result, units)
        if result.existing_id is not None and not result.reasons:
            result.changes = _changes(result, units, labels)


def _check_tree_and_history(r: RowResult, units: Units) -> None:
    n = units.node(r.key)
    if units.loops(units.parent_of, n) is None:
        r.reasons.append(_("the parent codes go round in a circle"))
    steps = units.loops(units.successor_of, n)
    if steps is None:
        r.reasons.append(_("the successors go round in a circle"))
    elif steps > MAX_SUCCESSIONS:
        r.reasons.append(_("more than %(max)s successors in a row", max=MAX_SUCCESSIONS))
    valid_from, valid_until = units.dates[n]
    if valid_from and valid_until and valid_until < valid_from:
        r.reasons.append(_("the unit ends (%(until)s) before it starts (%(start)s)",
                           until=_dmy(valid_until), start=_dmy(valid_from)))
    successor = units.successor_of.get(n)
    old = units.stored.get(r.existing_id) if r.existing_id is not None else None
    if successor is None or (old and (old.successor_id, old.valid_to) == (successor, valid_until)):
        return  # no merger made by this row: what the database holds was checked when it was made
    if valid_until is None:
        r.reasons.append(_("a unit with a successor needs its last day (valid_until)"))
        return
    on = valid_until + timedelta(days=1)
    starts, ends = units.dates.get(successor, (None, None))
    if starts and starts > on:
        r.reasons.append(_("its successor %(code)s starts on %(date)s, after the merger (%(on)s)",
                           code=units.ref(successor), date=_dmy(starts), on=_dmy(on)))
    if ends and ends < on:
        r.reasons.append(_("its successor %(code)s ends on %(date)s, before the merger (%(on)s)",
                           code=units.ref(successor), date=_dmy(ends), on=_dmy(on)))


def _labels() -> dict[str, dict[str, str]]:
    """The fields' and the kinds' names, as the dry run shows a change."""
    return {"fields": {"name": _("name"), "kind": _("kind"), "parent_code": _("parent"),
                       "valid_from": _("valid from"), "valid_until": _("valid until"),
                       "successor": _("successor")},
            "kinds": {code: str(label) for code, label in kind_choices()}}


def _changes(r: RowResult, units: Units, labels: dict[str, dict[str, str]]) -> list[Change]:
    old = units.stored[r.existing_id]
    kinds = labels["kinds"]
    pairs = {
        "name": (old.name, r.values["name"]),
        "kind": (kinds.get(old.kind, old.kind), kinds.get(r.values["kind"], r.values["kind"])),
        "parent_code": (units.ref(old.parent_id), units.ref(units.parent_of[old.id])),
        "valid_from": (old.valid_from, units.dates[old.id][0]),
        "valid_until": (old.valid_to, units.dates[old.id][1]),
        "successor": (units.ref(old.successor_id), units.ref(units.successor_of[old.id])),
    }
    return [Change(name, labels["fields"][name], _shown(before), _shown(after))
            for name in FIELDS for before, after in [pairs[name]] if before != after]


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return _dmy(value)
    return "—" if value in (None, "") else str(value)


def _dmy(day: date) -> str:
    """dd/mm/yyyy, as ``format_dmy`` writes it, without Babel's cost for thousands of rows."""
    return day.strftime("%d/%m/%Y")


def apply_units(preview: Preview, actor: User) -> None:
    """Write the new and changed rows: insert, update, place in the tree, then the history."""
    rows = preview.to_write
    new = [r for r in rows if r.status == NEW]
    created = services.create_units([{"code": r.key, "name": r.values["name"], "kind": r.values["kind"],
                                      "valid_from": r.values.get("valid_from")} for r in new])
    id_of = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.is_not(None))).all())
    changed = [r for r in rows if r.status == CHANGED]
    services.update_units([
        {"id": r.existing_id, **{PLAIN[c.field]: r.values[c.field] for c in r.changes if c.field in PLAIN}}
        for r in changed if any(c.field in PLAIN for c in r.changes)])
    services.set_parents({id_of[r.key]: id_of.get(r.values.get("parent_code", "")) for r in new} | {
        r.existing_id: id_of.get(r.values["parent_code"])
        for r in changed if any(c.field == "parent_code" for c in r.changes)})
    _apply_history(new, changed, id_of, actor)
    record_many([{"action": "create", "entity_type": "unit", "entity_id": created[r.key],
                  "details": {"name": r.label, "code": r.key, "via": "import"}} for r in new] + [
                 {"action": "update", "entity_type": "unit", "entity_id": r.existing_id,
                  "details": {"changes": {c.field: [c.old, c.new] for c in r.changes}, "via": "import"}}
                 for r in changed], actor.id)
    record("import", "units", len(rows), actor_id=actor.id, **import_summary(preview))


def _apply_history(new: list[RowResult], changed: list[RowResult], id_of: dict[str, int],
                   actor: User) -> None:
    """Retire and merge through the units' services, grouped as the merge form would be."""
    history = [r for r in new if {"successor", "valid_until"} & r.values.keys()]
    history += [r for r in changed if any(c.field in ("successor", "valid_until") for c in r.changes)]
    if not history:
        return
    loaded = {unit.id: unit for unit in db.session.scalars(
        select(Unit).where(Unit.id.in_([id_of[r.key] for r in history]))
        .execution_options(populate_existing=True))}
    groups: dict[tuple[int, date], list[Unit]] = {}
    retirements = []
    for r in history:
        unit = loaded[id_of[r.key]]
        until = r.values.get("valid_until", unit.valid_to)
        successor_code = r.values.get("successor")
        successor_id = id_of[successor_code] if successor_code else unit.successor_id
        if successor_id is None:
            retirements.append((unit, until))
        else:
            groups.setdefault((successor_id, until + timedelta(days=1)), []).append(unit)
    services.retire_many(retirements, actor.id)
    successors = {unit.id: unit for unit in db.session.scalars(
        select(Unit).where(Unit.id.in_({successor_id for successor_id, _on in groups})))}
    services.merge_many([(sources, successors[successor_id], on)
                         for (successor_id, on), sources in groups.items()], actor.id)
