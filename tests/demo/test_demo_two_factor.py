"""The demo keeps working for a first look although supervisors must use two-factor sign-in:
``make run`` serves it with only the admin required to (README), and says so."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import AuthActions

ROOT = Path(__file__).resolve().parent.parent.parent


def test_make_run_serves_the_demo_with_only_the_admin_required():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^DEMO_TWO_FACTOR_ROLES \?= admin$", makefile, re.M)
    assert re.search(r"^run: export DICOSO_TWO_FACTOR_ROLES = \$\(DEMO_TWO_FACTOR_ROLES\)$", makefile, re.M)
    readme = (ROOT / "README.md").read_text()
    assert "make run DEMO_TWO_FACTOR_ROLES=admin,supervisor" in readme


def test_a_demo_supervisor_signs_in_with_the_password_alone_as_make_run_serves_it(make_app):
    app = make_app(TWO_FACTOR_ROLES=("admin",))  # what `make run` sets
    loaded = app.test_cli_runner().invoke(args=["demo-data", "--force"])
    assert loaded.exit_code == 0, loaded.output
    assert "at the first sign-in: admin." in loaded.output
    assert "Supervisors sign in with the password alone in this demo" in loaded.output
    client = app.test_client()
    AuthActions(client).sign_in("giamsat", "dicoso-demo")
    assert client.get("/review/").status_code == 200


def test_with_the_production_default_a_demo_supervisor_sets_it_up_first(make_app):
    app = make_app(TWO_FACTOR_ROLES=("admin", "supervisor"))
    loaded = app.test_cli_runner().invoke(args=["demo-data", "--force"])
    assert "at the first sign-in: admin, supervisor." in loaded.output
    client = app.test_client()
    AuthActions(client).sign_in("giamsat", "dicoso-demo")
    assert client.get("/review/").headers["Location"].endswith("/auth/two-factor/setup")
