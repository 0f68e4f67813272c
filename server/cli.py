"""Register the command-line commands; each one calls services and commits once."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from server.auth.cli import users_cli
    from server.backup import backup
    from server.demo.cli import demo_data
    from server.exports.cli import exports_cli
    from server.photos.cli import photos_cli
    from server.reports.cli import report_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(report_cli)
    app.cli.add_command(backup)
    app.cli.add_command(photos_cli)
    app.cli.add_command(exports_cli)
