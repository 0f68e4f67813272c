"""What an id is, in one place: a whole number from 1 to 2^31 − 1.

Every table's key is an ``Integer``: PostgreSQL refuses a bigger number in a query on it (an error,
so a 500) and SQLite cannot bind one past 2^63 (an ``OverflowError``). An id out of that range can
only be a guess or a typo, and names nothing, so it never reaches the database:

- in a route, the ``id`` converter (``/hearings/<id:hearing_id>``) does not match it: 404;
- in a query string or a form, ``to_id`` refuses it: ``request.args.get("parent", type=to_id)``
  ignores it, a select's ``coerce=optional_int`` (server.forms) makes the form invalid (400), and
  ``ID_RANGE`` says so on a number field.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter
from wtforms.validators import NumberRange

#: PostgreSQL's integer, the type of every key (SQLite's keys go further, but none are made there)
MAX_ID = 2**31 - 1


def to_id(value: Any) -> int:
    """``value`` as an id; ``ValueError`` (or ``TypeError``) when it is not one. As ``type=`` of
    ``request.args.get`` an out-of-range id reads as absent."""
    if isinstance(value, bool):
        raise TypeError("not an id")
    number = value if isinstance(value, int) else int(str(value).strip(), 10)
    if not 1 <= number <= MAX_ID:
        raise ValueError("not an id")
    return number


def is_id(value: Any) -> bool:
    try:
        to_id(value)
    except (TypeError, ValueError):
        return False
    return True


class IdConverter(IntegerConverter):
    """``<id:name>``: an integer route argument from 1 to ``MAX_ID``; anything else does not match."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


#: a number field that holds an id (the reports' ``?unit=``): out of range, a message and a 400
ID_RANGE = NumberRange(1, MAX_ID)
