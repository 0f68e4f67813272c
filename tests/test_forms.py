"""The base web form: text fields refuse control characters, with a message; passwords may hold any."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from server.forms import Form


class _Sample(Form):
    class Meta:
        csrf = False

    name = StringField("Name", [Length(max=50)])  # validators given positionally stay in force
    note = TextAreaField()
    secret = PasswordField()


def _form(app, **values) -> tuple[bool, _Sample]:
    form = _Sample(formdata=MultiDict(values))
    return form.validate(), form


def test_text_with_control_characters_is_refused_with_a_message(app):
    with app.test_request_context(method="POST"):
        ok, form = _form(app, name="Đoàn\x00 xã A1", note="một\r\nhai\tba", secret="mật\x01khẩu")
        assert not ok  # PostgreSQL refuses NUL in text: a message, not a 500 at commit
        assert form.name.errors == ["Văn bản có ký tự điều khiển không nhìn thấy. Hãy xoá chúng rồi gửi lại."]
        assert form.name.data == "Đoàn\x00 xã A1"  # kept as sent, to correct
        assert not form.note.errors and not form.secret.errors  # lines, tabs; passwords as typed
        ok, form = _form(app, name="x" * 51, note="\x7f")
        assert len(form.name.errors) == 1 and "50" in form.name.errors[0]
        assert form.note.errors


def test_text_without_them_passes(app):
    with app.test_request_context(method="POST"):
        assert _form(app, name="Đoàn xã A1", note="một\r\nhai\tba", secret="\x01")[0]
