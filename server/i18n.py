"""Language and time zone: Vietnamese first, English second; dates shown dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask, g, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_login import current_user

from server.visits.labels import form_label, status_label


def N_(message: str) -> str:
    """Mark a message for extraction (``python -m server.catalogs``); it is translated later,
    where it is shown (API errors, form messages)."""
    return message


LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


def translation_directories(package_dir: Path) -> list[str]:
    """The core catalog plus one catalog per feature package that has one."""
    dirs = [package_dir / "translations", *sorted(package_dir.glob("*/translations"))]
    return [str(d) for d in dirs if d.is_dir()]


def select_locale() -> str:
    """The signed-in person's language, else the one chosen on the sign-in page, else Vietnamese."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user.locale
    if current_user and current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def init_app(app: Flask, babel: Babel) -> None:
    package_dir = Path(app.root_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(package_dir))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["dmy"] = format_dmy
    app.jinja_env.filters["dmy_time"] = format_dmy_time
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["form_label"] = form_label
    app.jinja_env.globals["status_label"] = status_label


def format_dmy(value: date | None) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    return format_date(value, "dd/MM/yyyy") if value else ""


def format_dmy_time(value: datetime | None) -> str:
    """dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh."""
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else ""
