"""A visit's fields, declared once, and its wire format.

``VisitContent`` is the one declaration of what a cadre reports about a visit. Everything else is
derived from it: the push schema (``VisitIn``), the pull schema (``VisitOut``), the stored columns
(``stored``), the web form's values (``server.visits.forms``), the conflict copy and the OpenAPI
document. Adding a field means adding it here, to the model, the migration, the form and the PWA.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from server.api.validation import Length, ListLength, OneOf, Range, Text, UtcDateTime, id_field
from server.photos.schemas import PhotoBrief
from server.visits import rules
from server.visits.models import VisitForm, VisitStatus

FORMS = [form.value for form in VisitForm]
STATUSES = [status.value for status in VisitStatus]


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=Range(-90, 90))
    lon = fields.Float(required=True, validate=Range(-180, 180))
    accuracy_m = fields.Float(load_default=None, allow_none=True, validate=Range(0, 1_000_000))


class VisitContent(Schema):
    """What the cadre reports about one visit: the declaration every other list derives from."""

    unit_id = id_field(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    form = fields.String(required=True, validate=OneOf(FORMS))
    topics = fields.List(id_field(), load_default=list, validate=ListLength(max=rules.MAX_TOPICS))
    directions = fields.List(id_field(), load_default=list, validate=ListLength(max=rules.MAX_DIRECTIONS),
                             metadata={"description": "ids of the cadre's open hearing directions "
                                                      "this visit carries out"})
    summary = Text(load_default="", validate=Length(max=rules.MAX_TEXT))
    findings = Text(load_default="", validate=Length(max=rules.MAX_TEXT))
    recommendations = Text(load_default="", validate=Length(max=rules.MAX_TEXT))
    participants = fields.Integer(load_default=0, strict=True, validate=Range(0, rules.MAX_PARTICIPANTS))
    placement_id = id_field(load_default=None, allow_none=True)
    placement_tasks = fields.List(
        Text(validate=Length(1, rules.MAX_TEXT)), load_default=list,
        validate=ListLength(max=rules.MAX_PLACEMENT_TASKS),
        metadata={"description": "tasks of the visit's placement it carried out, worded as the "
                                 "placement lists them (stored sorted, each once)"})
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


#: the content fields by their wire names, in declaration order
CONTENT_FIELDS: tuple[str, ...] = tuple(VisitContent._declared_fields)
#: list fields stored as link tables (a sorted tuple of ids in a stored copy); see store.LINKS
LINK_FIELDS: tuple[str, ...] = ("topics", "directions")
#: list fields stored as a JSON column: a sorted list of distinct texts (see ``texts``)
TEXT_LIST_FIELDS: tuple[str, ...] = ("placement_tasks",)
#: where the location's parts are stored
LOCATION_COLUMNS = {"lat": "latitude", "lon": "longitude", "accuracy_m": "accuracy_m"}
#: the content as stored: columns, plus the link fields (sorted tuples, kept in link tables)
STORED_CONTENT: tuple[str, ...] = (*(n for n in CONTENT_FIELDS if n != "location"),
                                   *LOCATION_COLUMNS.values())


class VisitIn(VisitContent):
    """One visit as a device sends it; ``base_version`` is the server version it was edited from."""

    id = fields.UUID(required=True, metadata={"description": "UUID made by the client"})
    base_version = id_field(load_default=None, allow_none=True,
                            metadata={"description": "null for a new visit, else the version edited"})
    client_updated_at = UtcDateTime(load_default=None, allow_none=True)

    @validates_schema
    def check_dates(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Real trips: not before 2000, not in the future (Vietnam time), end ≥ start, ≤ 31 days."""
        errors = rules.date_errors(data["start_date"], data["end_date"])
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()})


class VisitOut(VisitContent):
    """A visit as the server has it (pull, GET /visits/<id>, the server copy in a conflict)."""

    id = fields.UUID(required=True)
    client_updated_at = fields.AwareDateTime(required=True, allow_none=True)
    status = fields.String(required=True, validate=OneOf(STATUSES))
    version = fields.Integer(required=True, metadata={"description": "send it as base_version to edit"})
    review_comment = fields.String(required=True, allow_none=True)
    reviewed_at = fields.AwareDateTime(required=True, allow_none=True)
    received_at = fields.AwareDateTime(required=True)
    photos = fields.List(fields.Nested(PhotoBrief),
                         metadata={"description": "its photos on the server, pending ones too (pull and "
                                                  "GET /visits/{id}; absent in a conflict's copy)"})


def texts(values: Any) -> list[str]:
    """A text list field as stored and compared: each text once, sorted (None: empty)."""
    return sorted(set(values or ()))


def stored(content: Mapping[str, Any]) -> dict[str, Any]:
    """Loaded content (VisitIn's output) in its stored form."""
    row = {name: content[name] for name in CONTENT_FIELDS if name not in ("location", *LINK_FIELDS)}
    row.update({name: tuple(sorted(set(content[name]))) for name in LINK_FIELDS})
    row.update({name: texts(content[name]) for name in TEXT_LIST_FIELDS})
    location = content["location"] or {}
    row.update({column: location.get(part) for part, column in LOCATION_COLUMNS.items()})
    return row


def location_of(row: Mapping[str, Any]) -> dict[str, Any] | None:
    if row["latitude"] is None or row["longitude"] is None:
        return None
    return {part: row[column] for part, column in LOCATION_COLUMNS.items()}


def content_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored copy's content under the wire names (Python values: dates, ints, lists)."""
    content = {name: row[name] for name in CONTENT_FIELDS if name not in ("location", *LINK_FIELDS)}
    content.update({name: list(row.get(name, ())) for name in LINK_FIELDS})
    content.update({name: texts(row.get(name)) for name in TEXT_LIST_FIELDS})
    content["location"] = location_of(row)
    return content


_OUT = VisitOut()


def to_wire(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored copy (see ``server.visits.store``) as JSON-ready VisitOut."""
    links = {name: list(row.get(name, ())) for name in LINK_FIELDS}
    lists = {name: texts(row.get(name)) for name in TEXT_LIST_FIELDS}
    return _OUT.dump({**row, **links, **lists, "location": location_of(row)})
