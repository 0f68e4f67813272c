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

from server.auth import throttle
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
    """Count and audit a wrong code; committed now, whatever the answer's status."""
    throttle.count_code_failure(user.username)
    record_failed_sign_in(user.username, "web", request.remote_addr, "two_factor_failed")
    db.session.commit()


def _blocked(user: User) -> bool:
    """Too many wrong codes for this account: audited (committed now), nothing checked."""
    if not throttle.code_blocked(user.username):
        return False
    db.session.rollback()
    record_failed_sign_in(user.username, "web", request.remote_addr, "two_factor_blocked")
    db.session.commit()
    return True


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
        if _blocked(user):
            form.code.errors.append(_too_many_codes())
            return render_template("twofactor/verify.html", form=form), 429
        method = services.verify(user, form.code.data)
        if method is not None:
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
        if _blocked(user):
            form.code.errors.append(_too_many_codes())
            return _settings_page(429, code_form=form)
        if services.verify(user, form.code.data) is not None:
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
        if throttle.sign_in_blocked(user.username):
            form.password.errors.append(_("Too many wrong passwords. Please wait 15 minutes and try again."))
            return _settings_page(429, disable_form=form)
        if _blocked(user):
            form.code.errors.append(_too_many_codes())
            return _settings_page(429, disable_form=form)
        if not user.check_password(form.password.data):
            throttle.count_failure(user.username)
            form.password.errors.append(_("The password is wrong."))
        elif services.verify(user, form.code.data) is None:
            _refuse_code(user)
            form.code.errors.append(_("This code is wrong or has been used already."))
        else:
            services.disable(user)
            if services.required_for(user):
                flash(_("Two-factor sign-in is off. Your role requires it: set it up again now, "
                        "for example on your new phone."), "warning")
                return redirect(url_for("twofactor.setup"))
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("twofactor.settings"))
    return _settings_page(400, disable_form=form)
