"""CSV import: upload, dry run (every row new, changed, unchanged or bad), then apply the same file;
the new users' temporary passwords once, as slips to print or a CSV."""

from __future__ import annotations

from flask import Response, abort, make_response, render_template, url_for
from flask_login import current_user

from server.admin import csv_import, password_sheet
from server.admin.blueprint import bp, no_store
from server.admin.forms import ApplyImportForm, ImportForm, PasswordSheetForm

KINDS = ("units", "users")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


def _preview_page(kind: str, preview: csv_import.Preview, form: ApplyImportForm | None):
    return render_template("admin/import_preview.html", kind=kind, preview=preview,
                           form=form), 400 if preview.errors else 200


@bp.route("/import/<kind>", methods=["GET", "POST"])
def import_csv(kind: str):
    """Step 1 and 2: choose a file; the dry run checks it and changes nothing."""
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read()
        preview = csv_import.check(_kind(kind), raw, current_user)
        return _preview_page(kind, preview, ApplyImportForm(content=csv_import.decode(raw) or "")
                             if preview.ok else None)
    status = 400 if form.errors else 200
    return render_template("admin/import.html", kind=_kind(kind), form=form), status


@bp.post("/import/<kind>/apply")
def import_apply(kind: str):
    """Step 3: the same file, checked again (the database may have changed), then applied whole."""
    form = ApplyImportForm()
    if not form.validate_on_submit():
        abort(400)
    preview = csv_import.check(_kind(kind), form.content.data, current_user)
    if not preview.ok:  # bad now, or nothing left to change (the same file applied twice)
        return _preview_page(kind, preview, None)
    passwords = csv_import.apply(preview, current_user)
    sheet = PasswordSheetForm(sheet=password_sheet.encode(passwords)) if passwords else None
    response: Response = make_response(render_template(
        "admin/import_done.html", kind=kind, counts=preview.counts, passwords=passwords, sheet=sheet,
        sign_in_url=url_for("auth.sign_in", _external=True)))
    return no_store(response)


@bp.post("/import/users/passwords.csv")
def import_passwords_csv():
    """The temporary passwords of the page just shown, as CSV: posted back from it, kept nowhere."""
    form = PasswordSheetForm()
    slips = password_sheet.decode(form.sheet.data) if form.validate_on_submit() else None
    if slips is None:
        abort(400)
    body = password_sheet.to_csv(slips, url_for("auth.sign_in", _external=True))
    return no_store(Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="dicoso-temporary-passwords.csv"'}))


@bp.get("/import/<kind>/template.csv")
def import_template(kind: str):
    body = csv_import.template_csv(_kind(kind))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="dicoso-{kind}.csv"'})
