"""My devices ("Thiết bị của tôi"): the person's own device tokens and browsers signed in (name,
browser, since, last use); sign out the ones ticked or all but this browser, with the password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from server.auth import reauth
from server.devices import services
from server.devices.agents import describe
from server.devices.forms import DevicesForm

bp = Blueprint("devices", __name__, url_prefix="/account/devices", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    here = current_user.web_session_id
    devices = services.devices_of(current_user)
    form = DevicesForm()
    form.set_choices([t.id for t in devices.tokens if here is None or t.web_session_id != here],
                     [s.id for s in devices.sessions if s.id != here])
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        everywhere = bool(form.everywhere.data)
        if not everywhere and not (form.tokens.data or form.sessions.data):
            form.form_errors.append(_("Tick the devices or browsers to sign out."))
        else:
            outcome = reauth.check_password(current_user, form.password.data, "sign_out_devices")
            if outcome is reauth.Outcome.RIGHT:
                _sign_out(everywhere, form)
                return redirect(url_for("devices.index"))
            if outcome is reauth.Outcome.BLOCKED:
                status = 429
                form.password.errors.append(_too_many_passwords())
            else:
                form.password.errors.append(_("The password is wrong."))
    return render_template("devices/index.html", devices=services.devices_of(current_user), this_session=here,
                           form=form, describe=describe), status


def _too_many_passwords() -> str:
    return _("Too many wrong passwords. Please wait 15 minutes and try again.")


def _sign_out(everywhere: bool, form: DevicesForm) -> None:
    if everywhere:
        revoked = services.sign_out_everywhere_else(current_user)
        flash(ngettext("%(num)s device is signed out, and every other browser. This one stays signed in.",
                       "%(num)s devices are signed out, and every other browser. This one stays signed in.",
                       len(revoked)), "success")
        return
    tokens, sessions = services.sign_out(current_user, form.tokens.data or [], form.sessions.data or [])
    flash(_("Signed out: %(devices)s devices, %(browsers)s browsers. Unsent entries wait on a device "
            "until you sign in there again.", devices=len(tokens), browsers=len(sessions)), "success")
