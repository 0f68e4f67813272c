"""A unit's letterhead: the issuing body and the signer its documents print (the hearing's report,
the year's report), with what is printed when a field is left blank."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from server.admin.blueprint import bp, get_or_404
from server.audit.services import record
from server.documents.letterhead import (
    SIGNER_TITLES,
    defaults_for,
    letterhead_for,
    own_settings,
    save_settings,
)
from server.forms import Form
from server.units.models import Unit


class LetterheadForm(Form):
    issuing_body = StringField(_l("Issuing body (first line of the header)"),
                               validators=[Optional(), Length(max=200)])
    issuing_office = StringField(_l("Second line, where a body of the committee issues"),
                                 validators=[Optional(), Length(max=200)])
    signer_title = SelectField(_l("Signer's title"), validators=[Optional()])
    signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])


@bp.context_processor
def _letterheads() -> dict[str, Any]:
    return {"letterhead_of": letterhead_for}


def _form(unit: Unit) -> LetterheadForm:
    form = LetterheadForm(obj=own_settings(unit))
    blank = _("(blank: %(title)s)", title=defaults_for(unit).signer_title)
    form.signer_title.choices = [("", blank), *[(title, title) for title in SIGNER_TITLES]]
    return form


@bp.route("/units/<id:unit_id>/letterhead", methods=["GET", "POST"])
def unit_letterhead(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = _form(unit)
    if form.validate_on_submit():
        changes = save_settings(unit, issuing_body=form.issuing_body.data,
                                issuing_office=form.issuing_office.data,
                                signer_title=form.signer_title.data, signer_name=form.signer_name.data)
        if changes:
            record("update", "unit_letterhead", unit.id, actor_id=current_user.id, changes=changes)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.unit_letterhead", unit_id=unit.id))
    status = 400 if form.errors else 200
    letterhead = letterhead_for(unit)
    derived = [str(f.label.text) for f in (form.issuing_body, form.issuing_office, form.signer_title,
                                           form.signer_name) if f.name in letterhead.derived]
    return render_template("admin/unit_letterhead.html", form=form, unit=unit, letterhead=letterhead,
                           defaults=defaults_for(unit), derived=derived), status
