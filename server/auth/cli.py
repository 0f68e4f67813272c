"""``flask users …``: accounts for real deployments (there is no default admin password)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from server.auth import services
from server.auth.models import Role, User
from server.auth.passwords import password_problem
from server.extensions import db
from server.transaction import commits
from server.twofactor.services import reset
from server.units.models import Unit, UnitKind
from server.units.services import create_unit

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.CADRE.value)
@click.option("--unit-code", required=True, help="Official code of the user's unit.")
@click.option("--unit-name", default=None,
              help="Create the unit (a province, at the top) when no unit has this code yet: "
                   "the first admin on an empty database.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--probationary", is_flag=True)
@click.option("--locale", type=click.Choice(["vi", "en"]), default="vi")
@commits
def create(username: str, full_name: str, role: str, unit_code: str, unit_name: str | None,
           password: str, probationary: bool, locale: str) -> None:
    """Create a user; the password is asked for, never defaulted."""
    # the rule's messages are translated: the terminal speaks English, as the rest of the CLI
    with current_app.test_request_context(), force_locale("en"):
        problem = password_problem(password, username)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None and unit_name:
        unit = create_unit(unit_name, UnitKind.PROVINCE, code=unit_code)
        click.echo(f"Created unit {unit_code} {unit_name}.")
    if unit is None:
        raise click.BadParameter(f"no unit with code {unit_code!r} (give --unit-name to create it)",
                                 param_hint="--unit-code")
    if db.session.scalar(select(User).where(User.username == username.lower())):
        raise click.BadParameter(f"user {username!r} exists", param_hint="USERNAME")
    services.create_user(username, full_name, password, unit, role,
                         is_probationary=probationary, locale=locale)
    click.echo(f"Created {role} {username}.")


@users_cli.command("deactivate")
@click.argument("username")
@commits
def deactivate(username: str) -> None:
    """Deactivate a user, ending their web sessions and device tokens."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="USERNAME")
    services.deactivate_user(user)
    click.echo(f"Deactivated {username}.")


@users_cli.command("reset-2fa")
@click.argument("username")
@commits
def reset_two_factor(username: str) -> None:
    """Clear a user's two-factor sign-in (e.g. the only admin lost their phone and recovery codes)."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="USERNAME")
    if not user.has_two_factor:
        click.echo(f"{username} has no two-factor sign-in.")
        return
    reset(user, None)
    click.echo(f"Two-factor sign-in of {username} is reset; they are signed out everywhere.")
