"""Signing in with two factors: the password, then a code within a few minutes; a code works once,
one step of clock drift either way; recovery codes instead of a code, each once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from tests.factories import ADMIN_TOTP_SECRET
from tests.twofactor.conftest import code_step, enrol, password_step, sign_in, sign_out, signed_in


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_password_alone_signs_nobody_in(app, client, world, clock):
    response = password_step(client, "admin", next_path="/reports/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor/code")
    assert client.get("/").status_code == 302  # pages still ask for sign-in
    assert client.get("/api/v1/bootstrap").status_code == 401
    assert "sign_in" not in _actions(app)
    page = client.get("/auth/two-factor/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    done = code_step(client, clock.code(ADMIN_TOTP_SECRET))
    assert done.status_code == 302 and done.headers["Location"] == "/reports/"  # where they were going
    assert signed_in(client)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in")).one()
        assert entry.details == {"second_factor": "totp"}


def test_a_wrong_code_is_refused_and_audited(app, client, world, clock):
    response = sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET, steps=5))
    assert response.status_code == 200 and "Mã không đúng" in response.get_data(as_text=True)
    assert not signed_in(client)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "two_factor_failed")).one()
        assert entry.entity_id == str(world.admin) and entry.details["via"] == "web"
    assert code_step(client, clock.code(ADMIN_TOTP_SECRET)).status_code == 302  # the right one still works


def test_a_code_works_once(app, client, world, clock):
    code = clock.code(ADMIN_TOTP_SECRET)
    assert sign_in(client, "admin", code).status_code == 302
    sign_out(client)
    replayed = sign_in(client, "admin", code)  # the same 30 seconds: someone who watched
    assert replayed.status_code == 200 and not signed_in(client)


def test_after_a_code_no_older_one_works(app, client, world, clock):
    assert sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET, steps=1)).status_code == 302  # phone ahead
    sign_out(client)
    assert sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET)).status_code == 200  # older: refused
    clock.tick(2)
    assert code_step(client, clock.code(ADMIN_TOTP_SECRET)).status_code == 302  # later ones work


def test_one_step_of_drift_either_way_and_no_more(app, client, world, clock):
    assert sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET, steps=-1)).status_code == 302  # 30 s late
    sign_out(client)
    assert sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET, steps=2)).status_code == 200  # 60 s early
    assert code_step(client, clock.code(ADMIN_TOTP_SECRET, steps=1)).status_code == 302  # 30 s early


def test_the_code_step_ends_after_a_few_minutes(make_app, world, clock):
    app = make_app(TWO_FACTOR_PENDING=timedelta(seconds=-1))  # already too late
    client = app.test_client()
    password_step(client, "admin")
    response = client.get("/auth/two-factor/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/sign-in")
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert "Đã quá thời gian" in page


def test_the_code_page_without_a_password_first_sends_to_sign_in(client, world):
    response = client.get("/auth/two-factor/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/sign-in")


def test_a_wrong_password_never_reaches_the_code_step(client, world):
    response = password_step(client, "admin", "wrong-password")
    assert response.status_code == 200
    assert client.get("/auth/two-factor/code").status_code == 302


def test_recovery_codes_work_once_each_in_any_case_and_spacing(app, client, auth, world, clock):
    auth.sign_in("cadre")
    _secret, codes = enrol(client, clock)
    sign_out(client)
    typed = codes[0].upper().replace("-", " ")
    response = sign_in(client, "cadre", typed)
    assert response.status_code == 302
    assert "còn 9 mã" in client.get("/").get_data(as_text=True)  # the page says how many are left
    sign_out(client)
    assert sign_in(client, "cadre", codes[0]).status_code == 200  # used up
    assert not signed_in(client)
    assert code_step(client, codes[1]).status_code == 302  # another one works
    with app.app_context():
        used = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "recovery_code_used")))
        assert [e.details["remaining"] for e in used] == [9, 8]
        signs = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in")).all()
        assert signs[-1].details == {"second_factor": "recovery_code"}


def test_deactivated_between_the_steps_gets_no_further(app, client, world):
    password_step(client, "admin")
    with app.app_context():
        db.session.get(User, world.admin).active = False
        db.session.commit()
    response = client.get("/auth/two-factor/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/sign-in")


def test_a_step_claimed_by_a_request_running_alongside_is_refused(app, world, clock):
    """Two requests with one code at once: the second read the user before the first claimed the
    step. The claim is one conditional UPDATE, so it does not trust what it read."""
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    from server.twofactor import services

    code = clock.code(ADMIN_TOTP_SECRET)
    with app.app_context():
        user = db.session.get(User, world.admin)
        step = int(clock.now) // 30
        db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=step))
        set_committed_value(user, "totp_last_step", None)  # as read before the other request's claim
        assert services.verify(user, code) is None
        assert services.verify(user, clock.code(ADMIN_TOTP_SECRET, steps=1)) == services.TOTP
        db.session.rollback()


def test_the_password_step_puts_a_csrf_secret_in_its_own_cookie(client, world):
    """The code page and the service worker's fetches that follow at once share that secret; each
    making its own raced, and the code was refused with a 400 when the worker's cookie won."""
    password_step(client, "admin")
    with client.session_transaction() as session:
        assert "csrf_token" in session and "two_factor_pending" in session
    assert "Set-Cookie" not in client.get("/auth/two-factor/code").headers
