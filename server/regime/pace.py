"""Pace: where a cadre should be by a day, if their minimum were spread evenly over the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.regime.counting import half_up


def expected_days(minimum: int, on: date) -> Decimal:
    """The share of ``minimum`` due by ``on`` (both ends of the year included), rounded half up
    to one decimal: 60 days by 30 June 2026 is 60 × 181/365 = 29.8."""
    first = date(on.year, 1, 1)
    gone = (on - first).days + 1
    length = (date(on.year, 12, 31) - first).days + 1
    return half_up(Decimal(minimum) * gone / length, 1)


@dataclass(frozen=True)
class Pace:
    days: int  # days so far in the year, up to ``on``
    expected: Decimal
    minimum: int

    @property
    def behind(self) -> bool:
        return self.days < self.expected


def pace(days: int, minimum: int, on: date) -> Pace:
    return Pace(days, expected_days(minimum, on), minimum)
