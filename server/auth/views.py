"""Sign in, sign out, choose the language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from server.audit.services import record
from server.auth import services, throttle
from server.auth.forms import ChangePasswordForm, LanguageForm, SignInForm
from server.extensions import limiter, login_manager


def _sign_in_request_limit() -> str:
    """Requests per address, wrong or right (an office behind one proxy signs in together)."""
    return current_app.config.get("SIGN_IN_RATE_LIMIT", "60 per minute")


bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

login_manager.login_view = "auth.sign_in"
login_manager.login_message = None  # the sign-in page explains itself
login_manager.session_protection = "basic"  # "strong" would sign out phones whose IP changes


@login_manager.user_loader
def _load_user(session_key: str):
    return services.load_web_session(session_key)


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_request_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        if throttle.sign_in_blocked(form.username.data):
            form.password.errors.append(_("Too many wrong passwords. Please wait 15 minutes and try again."))
            return render_template("auth/sign_in.html", form=form), 429
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            throttle.count_failure(form.username.data)
            services.record_failed_sign_in(form.username.data, "web", request.remote_addr)
            form.password.errors.append(_("Wrong username or password."))
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at sign-in: nothing from before carries over
            services.start_web_session(user, current_app.permanent_session_lifetime)
            session.permanent = True
            login_user(user)
            # The CSRF secret goes into the new session now: otherwise the first page and the
            # service worker's first fetches each make one at once, the last cookie wins, and
            # the first form sent from the other page is refused (400). The token this request
            # already made belongs to the cleared session: forget it first.
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            generate_csrf()
            if lang:
                session["lang"] = lang
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        services.end_web_session(current_user.get_id())
        record("sign_out", "user", current_user.id, actor_id=current_user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.post("/language")
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
    return redirect(_safe_next(request.form.get("next")))


# What a user who must change their password may still reach: this page, signing out (with the
# device's own token), the language buttons, and the files the page itself needs.
_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.sign_out", "tokens.revoke_current", "auth.language",
                          "static"}


@bp.before_app_request
def _require_password_change():
    """After an admin's reset, nothing but changing the password works (pages redirect, API 403)."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in _ALLOWED_BEFORE_CHANGE or request.endpoint is None:
        return None
    if request.blueprint == "pwa_shell":  # the page's CSS and JS, the worker, the manifest
        return None
    if request.path.startswith("/api/"):
        abort(403)
    return redirect(url_for("auth.change_password"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(username=current_user.username)
    if form.validate_on_submit():
        if services.change_own_password(current_user, form.current.data, form.new.data):
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
        form.current.errors.append(_("The current password is wrong."))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status
