"""A cadre's standing as the phone receives it (bootstrap and every pull page): the server's
figures, and what the phone needs to add the visits it has not sent yet by the same rules
(``pwa/js/regime.js``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields

from server.regime.counting import WORKING
from server.regime.days import counted_intervals
from server.regime.standing import Standing


class CountedVisitOut(Schema):
    id = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    approved = fields.Boolean(required=True)


class ChargeOut(Schema):
    unit_id = fields.Integer(required=True)
    unit_name = fields.String(required=True)
    last_visit = fields.Date(required=True, allow_none=True,
                             metadata={"description": "the last day there on a counted visit (null: never)"})


class StandingOut(Schema):
    year = fields.Integer(required=True)
    on = fields.Date(required=True, metadata={"description": "the day the figures were measured on"})
    counting = fields.String(required=True, metadata={"description": "which review states count"})
    covered = fields.Boolean(required=True, metadata={"description": "the year's plan covers the caller"})
    minimum = fields.Integer(required=True, allow_none=True, metadata={"description": "null: none applies"})
    exemption_reason = fields.String(required=True, allow_none=True)
    days = fields.Integer(required=True)
    days_approved = fields.Integer(required=True)
    active_weeks = fields.List(fields.Date(), required=True,
                               metadata={"description": "the first day of each week with a counted day"})
    visits = fields.List(fields.Nested(CountedVisitOut), required=True,
                         metadata={"description": "the counted visits overlapping the year"})
    charges = fields.List(fields.Nested(ChargeOut), required=True)


def standing_wire(standing: Standing, cadre_id: int) -> dict[str, Any]:
    counted = counted_intervals(cadre_id, date(standing.year, 1, 1), standing.on, WORKING)
    return {
        "year": standing.year, "on": standing.on.isoformat(), "counting": str(standing.counting),
        "covered": standing.obligation is not None, "minimum": standing.minimum,
        "exemption_reason": standing.obligation.exemption_reason if standing.obligation else None,
        "days": standing.days, "days_approved": standing.days_approved,
        "active_weeks": [w.first.isoformat() for w in standing.weeks if w.active],
        "visits": counted,
        "charges": [{"unit_id": c.unit.id, "unit_name": c.unit.name,
                     "last_visit": c.last_visit.isoformat() if c.last_visit else None}
                    for c in standing.charges],
    }
