"""The base web form: text fields drop control characters; passwords stay as typed."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

from server.forms import Form


class _Sample(Form):
    class Meta:
        csrf = False

    name = StringField()
    note = TextAreaField(filters=[lambda v: v.strip() if v else v])
    secret = PasswordField()


def test_text_fields_drop_control_characters_but_keep_lines_and_passwords(app):
    with app.test_request_context(method="POST"):
        form = _Sample(formdata=MultiDict({"name": "Đoàn\x00 xã\x1f A1", "note": "  một\r\nhai\tba\x7f ",
                                           "secret": "mật\x01khẩu"}))
        assert form.name.data == "Đoàn xã A1"  # PostgreSQL refuses NUL in text
        assert form.note.data == "một\r\nhai\tba"  # lines and tabs kept; the field's own filter too
        assert form.secret.data == "mật\x01khẩu"  # only hashed: never changed
