"""One commit per request and per CLI command, at the boundary (as Indico's request handler does).

Services and views flush, never commit. A request that answers below 400 is committed after the
view returns; an error answer (4xx, 5xx, or an exception turned into one) rolls everything back,
so a refused form or a failed push leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response
from sqlalchemy.exc import OperationalError

from server.errors import database_unavailable
from server.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def _finish_request(response: Response) -> Response:
    if response.status_code < 400:
        try:
            db.session.commit()
        except OperationalError as error:
            # the database went away during the commit: whether it kept the change is unknown, so
            # the client is told to send it again (503), never that it was stored
            return database_unavailable(error)
    else:
        db.session.rollback()
    return response


def commits(command: F) -> F:
    """Wrap a CLI command: commit when it returns, roll back when it raises."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.after_request(_finish_request)
