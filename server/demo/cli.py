"""``flask demo-data``: load the Lạng Sơn demo data set (safe to run again)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.demo.data import (
    ADMIN,
    DEMO_PASSWORD,
    FULL_TIME_CADRES,
    LOCAL_SUPERVISORS,
    PROBATIONARY_CADRES,
    SUPERVISORS,
    UNION_CADRES,
)
from server.demo.loader import load_demo_data
from server.transaction import commits


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Load even into a database that is not SQLite.")
@with_appcontext
@commits
def demo_data(force: bool) -> None:
    """Load invented cadres and a year of visits for Lạng Sơn (idempotent)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite") and not force:
        raise click.UsageError(
            "demo data sets a shared demo password; pass --force to load it into this database"
        )
    counts = load_demo_data()
    click.echo("Demo data ready: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    click.echo(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
    rows = [("admin", ADMIN), *(("supervisor, province", p) for p in SUPERVISORS),
            *((f"supervisor, unit {p[3]}", p) for p in LOCAL_SUPERVISORS),
            *(("cadre", p) for p in FULL_TIME_CADRES),
            *(("probationary cadre", p) for p in PROBATIONARY_CADRES)]
    for label, person in rows:
        click.echo(f"  {label:<24} {person[0]:<10} ({person[1]})")
    click.echo(f"  {'cadre inside a union':<24} {UNION_CADRES[0][0]}…{UNION_CADRES[-1][0]} (one in each ward "
               f"and commune; {UNION_CADRES[0][0]} is in {LOCAL_SUPERVISORS[0][3]}, reviewed by "
               f"{LOCAL_SUPERVISORS[0][0]})")
    roles = current_app.config["TWO_FACTOR_ROLES"]
    click.echo(f"Roles that set up two-factor sign-in (an authenticator app) at the first sign-in: "
               f"{', '.join(roles) or 'none'}.")
    if "supervisor" not in roles:
        click.echo("Supervisors sign in with the password alone in this demo; in production they need "
                   "a code too (DICOSO_TWO_FACTOR_ROLES, default admin,supervisor).")
    click.echo("Stop the server with Ctrl+C; another port: make run PORT=5001")
