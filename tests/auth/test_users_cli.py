"""``flask users create`` and ``flask users deactivate``."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db


def test_create_user_asks_for_the_password(app, runner, world):
    result = runner.invoke(args=["users", "create", "Nguoi.Moi", "--full-name", "Người Mới Thử",
                                 "--role", "supervisor", "--unit-code", "T1-A"],
                           input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "nguoi.moi"))
        assert user.role == "supervisor" and user.check_password("a-long-password")


def test_create_user_refuses_short_passwords_and_unknown_units(runner, world):
    short = runner.invoke(args=["users", "create", "x", "--full-name", "X", "--unit-code", "T1",
                                "--password", "short"])
    assert short.exit_code != 0 and "8 characters" in short.output
    unknown = runner.invoke(args=["users", "create", "x", "--full-name", "X", "--unit-code", "nope",
                                  "--password", "long-enough-pw"])
    assert unknown.exit_code != 0 and "no unit" in unknown.output


def test_deactivate(app, runner, world):
    assert runner.invoke(args=["users", "deactivate", "cadre"]).exit_code == 0
    with app.app_context():
        assert not db.session.get(User, world.cadre).active


def test_the_first_admin_on_an_empty_database_creates_the_province(app, runner):
    result = runner.invoke(args=["users", "create", "quantri", "--full-name", "Quản Trị Đầu Tiên",
                                 "--role", "admin", "--unit-code", "20", "--unit-name", "Tỉnh đoàn Mẫu",
                                 "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "quantri"))
        assert (user.role, user.unit.code, user.unit.name, user.unit.kind, user.unit.path) == (
            "admin", "20", "Tỉnh đoàn Mẫu", "province", f"/{user.unit.id}/")
