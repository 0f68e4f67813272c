"""Which review states a figure counts, and how shares are rounded and written."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from server.visits.models import VisitStatus


class Counting(StrEnum):
    """Which review states a figure counts; returned visits never count."""

    APPROVED = "approved"
    APPROVED_AND_SUBMITTED = "submitted"

    @property
    def statuses(self) -> tuple[str, ...]:
        if self is Counting.APPROVED:
            return (VisitStatus.APPROVED,)
        return (VisitStatus.APPROVED, VisitStatus.SUBMITTED)


#: what the cadre's own screens, the review page and the hearing count: the month is heard before
#: every visit is reviewed. The year-end evaluation counts approved visits unless asked otherwise.
WORKING = Counting.APPROVED_AND_SUBMITTED
EVALUATION = Counting.APPROVED


def share(count: int, total: int) -> Decimal:
    """``count`` of ``total`` in percent, rounded half up to one decimal (2 of 3 is 66.7)."""
    if not total:
        return Decimal("0.0")
    return (Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def half_up(value: Decimal | float, places: int = 1) -> Decimal:
    """A number rounded half up (Python's round() rounds half to even: 2.25 → 2.2)."""
    step = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal | float, locale: str, places: int = 1) -> str:
    """One decimal, with a decimal comma in Vietnamese (66,7) and a point in English (66.7)."""
    text = f"{half_up(value, places):.{places}f}"
    return text.replace(".", ",") if locale.startswith("vi") else text
