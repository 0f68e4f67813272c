"""The code step of sign-in, and one's own two-factor settings: set up, recovery codes, turn off."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth import reauth, throttle
from server.auth.models import User
from server.auth.services import record_failed_sign_in
from server.auth.signin import complete_sign_in
from server.extensions import db, limiter
from server.twofactor import pending, services
from server.twofactor.forms import CodeForm, DisableForm, SetupForm

bp = Blueprint("twofactor", __name__, url_prefix="/auth/two-factor", template_folder="templates")


def _request_limit() -> str:
    return current_app.config.get("SIGN_IN_RATE_LIMIT", "60 per minute")


def _too_many_codes() -> str:
    return _("Too many wrong codes. Please try again later, or ask an administrator.")


def _refuse_code(user: User) -> None:
    """Audit a wrong code (counted already, before the check); committed now, whatever the
    answer's status."""
    record_failed_sign_in(user.username, "web", request.remote_addr, "two_factor_failed")
    db.session.commit()


def _code_attempt(user: User) -> throttle.Attempt:
    """Count a code try before it is checked; past the limit it is refused (``refused``) and
    audited (committed now), nothing checked."""
    attempt = throttle.code_attempt(user.username)
    if attempt.refused:
        db.session.rollback()
        record_failed_sign_in(user.username, "web", request.remote_addr, "two_factor_blocked")
        db.session.commit()
    return attempt


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(_request_limit, methods=["POST"])
def verify():
    """Sign-in, second step: the password was right a moment ago; now the code."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = pending.user()
    if user is None:
        if pending.exists():
            pending.clear()
            flash(_("That took too long. Please sign in again."), "warning")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        attempt = _code_attempt(user)
        if attempt.refused:
            form.code.errors.append(_too_many_codes())
            return render_template("twofactor/verify.html", form=form), 429
        method = services.verify(user, form.code.data)
        if method is not None:
            attempt.give_back()
            response = complete_sign_in(user, pending.next_target(), method)
            if method == services.RECOVERY:
                flash(_("You signed in with a recovery code; %(count)s are left. Make new ones in "
                        "Two-factor sign-in if you are running out.",
                        count=services.recovery_codes_left(user)), "warning")
            return response
        _refuse_code(user)
        form.code.errors.append(_("This code is wrong or has been used already."))
    return render_template("twofactor/verify.html", form=form)


def _settings_page(status: int = 200, code_form: CodeForm | None = None,
                   disable_form: DisableForm | None = None) -> tuple[str, int]:
    user = current_user
    return render_template(
        "twofactor/settings.html", required=services.required_for(user),
        codes_left=services.recovery_codes_left(user) if user.has_two_factor else 0,
        code_form=code_form or CodeForm(formdata=None),
        disable_form=disable_form or DisableForm(formdata=None),
    ), status


def _show_codes(codes: list[str], first: bool) -> Response:
    response = make_response(render_template("twofactor/recovery_codes.html", codes=codes, first=first))
    response.headers["Cache-Control"] = "no-store"  # shown once: no cache keeps them
    return response


@bp.get("/")
@login_required
def settings():
    return _settings_page()


@bp.route("/setup", methods=["GET", "POST"])
@login_required
def setup():
    if current_user.has_two_factor:
        return redirect(url_for("twofactor.settings"))
    form = SetupForm()
    if form.validate_on_submit():
        codes = services.enable(current_user, form.code.data)
        if codes is not None:
            return _show_codes(codes, first=True)
        form.code.errors.append(_("This code is wrong. Check that the app shows the code of this "
                                  "account, and that the phone's clock is right."))
    secret = services.setup_secret(current_user)  # kept: a wrong code's 400 must not lose it
    db.session.commit()
    uri = services.provisioning_uri(current_user, secret)
    return render_template(
        "twofactor/setup.html", form=form, secret=services.grouped(secret),
        qr=services.qr_svg(uri, _("QR code for your authenticator app")),
        required=services.required_for(current_user),
    ), 400 if request.method == "POST" else 200


@bp.post("/recovery-codes")
@login_required
def regenerate():
    """New recovery codes (the old ones stop working), for a current code."""
    user = current_user
    if not user.has_two_factor:
        return redirect(url_for("twofactor.settings"))
    form = CodeForm()
    if form.validate_on_submit():
        attempt = _code_attempt(user)
        if attempt.refused:
            form.code.errors.append(_too_many_codes())
            return _settings_page(429, code_form=form)
        if services.verify(user, form.code.data) is not None:
            attempt.give_back()
            return _show_codes(services.regenerate_recovery_codes(user), first=False)
        _refuse_code(user)
        form.code.errors.append(_("This code is wrong or has been used already."))
    return _settings_page(400, code_form=form)


@bp.post("/disable")
@login_required
def disable():
    """Turn two-factor sign-in off: the password and a code, so a borrowed session cannot."""
    user = current_user
    if not user.has_two_factor:
        return redirect(url_for("twofactor.settings"))
    form = DisableForm()
    if form.validate_on_submit():
        code = _code_attempt(user)  # counted before the checks
        if code.refused:
            form.code.errors.append(_too_many_codes())
            return _settings_page(429, disable_form=form)
        # the password typed again: counted, limited and audited as everywhere (server/auth/reauth.py)
        password = reauth.check_password(user, form.password.data, "two_factor_disable")
        if password is not reauth.Outcome.RIGHT:
            code.give_back()  # not checked: not a guess
            form.password.errors.append(
                _("Too many wrong passwords. Please wait 15 minutes and try again.")
                if password is reauth.Outcome.BLOCKED else _("The password is wrong."))
            if password is reauth.Outcome.BLOCKED:
                return _settings_page(429, disable_form=form)
        elif services.verify(user, form.code.data) is None:
            _refuse_code(user)
            form.code.errors.append(_("This code is wrong or has been used already."))
        else:
            code.give_back()
            services.disable(user)
            if services.required_for(user):
                flash(_("Two-factor sign-in is off. Your role requires it: set it up again now, "
                        "for example on your new phone."), "warning")
                return redirect(url_for("twofactor.setup"))
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("twofactor.settings"))
    return _settings_page(400, disable_form=form)
