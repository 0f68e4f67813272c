"""Helpers for API tests: device tokens and wire-format visits."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.factories import PASSWORD
from tests.helpers import has_two_factor, next_code


def issue_token(client: FlaskClient, username: str = "cadre", device: str = "test phone") -> str:
    """Sign a device in with a password (and a code for an account with two-factor sign-in, like
    the world's admin and supervisors); return the bearer secret."""
    body = {"username": username, "password": PASSWORD, "device_name": device}
    if has_two_factor(client.application, username):
        body["otp"] = next_code(client.application, username)
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wire_visit(unit_id: int, topic_id: int | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid new visit in the wire format, dated last week."""
    start = date.today() - timedelta(days=7)
    visit = {
        "id": str(uuid.uuid4()), "base_version": None, "unit_id": unit_id,
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=1)).isoformat(),
        "form": "survey", "topics": [topic_id] if topic_id else [],
        "summary": "Khảo sát tình hình đoàn viên", "findings": "Sinh hoạt đều",
        "recommendations": "Tăng cường tập huấn", "participants": 25, "placement_id": None,
        "location": {"lat": 21.85, "lon": 106.76, "accuracy_m": 12.0},
        "client_updated_at": "2025-01-01T08:00:00+07:00",
    }
    visit.update(overrides)
    return visit


def push(client: FlaskClient, token: str, visits: list[dict], device: str = "dev-1", **kwargs):
    return client.post("/api/v1/sync/push", json={"device_id": device, "visits": visits},
                       headers=bearer(token), **kwargs)
