"""Sign in (the password step), sign out, choose the language, change one's password."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_url, logout_user

from server.audit.services import record
from server.auth import reauth, services, throttle
from server.auth.forms import ChangePasswordForm, LanguageForm, SignInForm
from server.auth.signin import complete_sign_in, fresh_session, renew_csrf, safe_next
from server.extensions import db, limiter, login_manager
from server.twofactor import pending
from server.twofactor import services as twofactor


def _sign_in_request_limit() -> str:
    """Requests per address, wrong or right (an office behind one proxy signs in together)."""
    return current_app.config.get("SIGN_IN_RATE_LIMIT", "60 per minute")


bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

login_manager.login_view = "auth.sign_in"
login_manager.login_message = None  # the sign-in page explains itself
# Off: "strong" would sign out phones whose IP changes, and "basic" only marks sessions not fresh
# (nothing here asks for a fresh login), which writes the cookie of every anonymous request that
# reads the user; one such answer racing a sign-in replaced the new cookie with the old one.
# Web sessions are checked against their server-side record instead (services.load_web_session).
login_manager.session_protection = None


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    """A signed-in page asked for by a script or the service worker (not the person's navigation)
    gets a bare 401. A redirect would render the sign-in page for it, which puts a new CSRF token in
    the session cookie; arriving while the person signs in, that cookie would replace theirs and
    their next form post (the two-factor code) would fail its CSRF check."""
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return Response(status=401)
    return redirect(login_url(login_manager.login_view, request.url))


@login_manager.user_loader
def _load_user(session_key: str):
    return services.load_web_session(session_key)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_request_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        attempt = throttle.password_attempt(form.username.data)  # counted before the check
        if attempt.refused:
            # refused before the password is checked; the 429 rolls back, the audit entry is kept
            db.session.rollback()
            services.record_failed_sign_in(form.username.data, "web", request.remote_addr, "sign_in_blocked")
            db.session.commit()
            form.password.errors.append(_too_many_passwords())
            return render_template("auth/sign_in.html", form=form), 429
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            services.record_failed_sign_in(form.username.data, "web", request.remote_addr)
            form.password.errors.append(_("Wrong username or password."))
            return render_template("auth/sign_in.html", form=form)
        attempt.give_back()
        if user.has_two_factor:
            # the password is right: the code comes next, on its own page (nothing signed in yet)
            fresh_session()
            pending.begin(user, request.args.get("next"))
            renew_csrf()  # in this answer's cookie, not raced for by the next requests
            return redirect(url_for("twofactor.verify"))
        else:
            return complete_sign_in(user, request.args.get("next"))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        # the device tokens this session issued end with it, whether or not the page's script ran
        revoked = services.end_web_session(current_user.get_id())
        record("sign_out", "user", current_user.id, actor_id=current_user.id,
               **({"tokens_revoked": revoked} if revoked else {}))
    logout_user()
    session.clear()
    # The CSRF secret in this answer's cookie: every tab of the person opens the sign-in page now,
    # and each making its own secret at once would leave all but one with a refused form. The
    # message goes in the address (not a flash) for the same reason: one tab would take it.
    renew_csrf()
    return redirect(url_for("auth.sign_in", signed_out=1))


@bp.post("/language")
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
    return redirect(safe_next(request.form.get("next")))


# What a user with a step still to take may reach besides that step's page: signing out (with
# the device's own token too), the language buttons, and the files the page itself needs.
_ALLOWED_BEFORE_STEP = {"auth.sign_out", "tokens.revoke_current", "auth.language", "static"}


def _step_required() -> str | None:
    """The page a signed-in user must go through before anything else, if any: a new password
    after an admin's reset first, then two-factor set-up for a role that requires it."""
    if current_user.must_change_password:
        return "auth.change_password"
    if twofactor.needs_setup(current_user):
        return "twofactor.setup"
    return None


@bp.before_app_request
def _require_step():
    """Nothing but the required step works (pages redirect to it, the API answers 403)."""
    if not current_user.is_authenticated:
        return None
    step = _step_required()
    if step is None or request.endpoint in (step, None) or request.endpoint in _ALLOWED_BEFORE_STEP:
        return None
    if request.blueprint == "pwa_shell":  # the page's CSS and JS, the worker, the manifest
        return None
    if request.path.startswith("/api/"):
        abort(403)
    return redirect(url_for(step))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(username=current_user.username)
    if form.validate_on_submit():
        # the current password is a guess like a sign-in's: counted, limited and audited
        outcome = reauth.check_password(current_user, form.current.data, "change_password")
        if outcome is reauth.Outcome.BLOCKED:
            form.current.errors.append(_too_many_passwords())
            return render_template("auth/change_password.html", form=form), 429
        if outcome is reauth.Outcome.RIGHT:
            services.change_own_password(current_user, form.new.data)
            flash(_("Your password has been changed. Your other devices are signed out; this one "
                    "stays signed in."), "success")
            return redirect(url_for("home.index"))
        form.current.errors.append(_("The current password is wrong."))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status


def _too_many_passwords() -> str:
    return _("Too many wrong passwords. Please wait 15 minutes and try again.")
