"""Today as the cadres count it: in Asia/Ho_Chi_Minh, not in the server's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """The current date in Vietnam."""
    return datetime.now(LOCAL_ZONE).date()
