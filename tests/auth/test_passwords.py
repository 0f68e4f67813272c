"""The password rule: 8–128 characters, no composition rules, no common password, no username."""

from __future__ import annotations

from server.auth.passwords import MAX_LENGTH, common_passwords, password_problem
from tests.factories import PASSWORD
from tests.helpers import csrf_token


def test_length_bounds_and_no_composition_rules(app):
    with app.test_request_context():
        assert password_problem("sao-mai-7") is None
        assert password_problem("quả táo xanh") is None  # no digits, no capitals: accepted
        assert password_problem("x" * 7) is not None
        assert password_problem("rừng-tre-" * 7) is None  # 63 characters
        assert password_problem("q" * 64 + "w") is None
        assert password_problem("k" * (MAX_LENGTH + 1)) is not None


def test_common_passwords_are_refused_whatever_the_case(app):
    assert len(common_passwords()) >= 10_000
    with app.test_request_context():
        for common in ("password", "Password1", "12345678", "QWERTY123", "iloveyou", "matkhau123"):
            assert password_problem(common) is not None, common


def test_the_username_may_not_be_inside(app):
    with app.test_request_context():
        assert password_problem("my-Nguyenvan-pass", "nguyenvan") is not None
        assert password_problem("my-nguyenvan-pass", "lan") is None


def test_change_password_page_applies_the_rule(app, client, auth, world):
    auth.sign_in("cadre")
    for new in ("password1", "short", "my-cadre-name"):
        response = client.post("/auth/password", data={
            "csrf_token": csrf_token(client, "/auth/password"), "current": PASSWORD,
            "new": new, "confirm": new})
        assert response.status_code == 400, new
    response = client.post("/auth/password", data={
        "csrf_token": csrf_token(client, "/auth/password"), "current": PASSWORD,
        "new": "gió-mùa-đông", "confirm": "gió-mùa-đông"})
    assert response.status_code == 302


def test_cli_refuses_a_common_password(runner, world):
    result = runner.invoke(args=["users", "create", "nguoi.khac", "--full-name", "Người Khác",
                                 "--unit-code", "T1", "--password", "iloveyou1"])
    assert result.exit_code != 0 and "common" in result.output
