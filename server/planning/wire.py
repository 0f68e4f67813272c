"""The wire format of a placement's closing report, the probationary cadre's offline write. It
travels in the visits' push envelope (``placement_reports``) with the same result kinds, and
comes back in the bootstrap's placements (``closing_report``)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validates

from server.api.validation import NOT_BLANK, Length, Text, id_field
from server.planning.models import PlacementReport
from server.visits import rules


class PlacementReportContent(Schema):
    """What the probationary cadre writes: the declaration the other schemas derive from."""

    placement_id = id_field(required=True, metadata={"description": "one of the caller's placements"})
    # the pattern says what check_text enforces: at least one character that is not a space
    text = Text(required=True, validate=Length(1, rules.MAX_TEXT), metadata={"pattern": NOT_BLANK})


class PlacementReportIn(PlacementReportContent):
    id = fields.UUID(required=True, metadata={"description": "UUID made by the client"})
    base_version = id_field(load_default=None, allow_none=True,
                            metadata={"description": "null for a new report, else the version edited"})
    client_updated_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)

    @validates("text")
    def check_text(self, value: str, **kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError(_("Write the closing report."))


class PlacementReportOut(PlacementReportContent):
    """A closing report as the server has it (bootstrap, the server copy in a conflict)."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True, metadata={"description": "send it as base_version to edit"})
    received_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


_OUT = PlacementReportOut()


def report_wire(report: PlacementReport) -> dict[str, Any]:
    return _OUT.dump(report)
