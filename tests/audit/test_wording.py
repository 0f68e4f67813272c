"""The audit log reads as sentences in the reader's language: every code the server records has its
wording (server/audit/wording.py), details are shown as label and value (never raw JSON), a visit
is named, and an unknown code still reads as a sentence."""

from __future__ import annotations

import ast
import inspect
import re
import uuid
from datetime import date
from pathlib import Path

from server.audit.denials import ACTION as DENIAL
from server.audit.models import AuditEntry
from server.audit.services import record
from server.audit.wording import ACTION_LABELS, has_sentence
from server.auth.models import User
from server.auth.services import record_failed_sign_in
from server.extensions import db
from server.review.models import ReviewAction
from tests.api.support import issue_token, push, wire_visit

SERVER = Path(__file__).resolve().parents[2] / "server"
#: functions that write an audit entry, and the position of their action code
WRITERS = {"record": 0, "_audit": 1, "_audit_refusal": 1, "record_failed_sign_in": 3, "record_change": 2,
           "change": 2, "Change": 2}


def _strings(node: ast.AST | None) -> list[str]:
    """The codes an argument can be: a literal, or either branch of ``a if … else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _recorded() -> set[tuple[str, str | None]]:
    """(action, entity type) of every audit entry written in server/, read from the source."""
    found: set[tuple[str, str | None]] = set()
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Dict):  # a row for record_many or an INSERT into the log
                keys = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
                        if isinstance(k, ast.Constant)}
                if "action" in keys and "entity_type" in keys:
                    entity = _strings(keys["entity_type"])
                    found.update((a, entity[0] if entity else None) for a in _strings(keys["action"]))
                continue
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in WRITERS:
                position = WRITERS[name]
                argument = node.args[position] if len(node.args) > position else next(
                    (k.value for k in node.keywords if k.arg == "action"), None)
                entity = _strings(node.args[1]) if name == "record" and len(node.args) > 1 else []
                found.update((a, entity[0] if entity else None) for a in _strings(argument))
    # codes made at run time, where the source holds no literal
    found.add((DENIAL, None))
    found.add((inspect.signature(record_failed_sign_in).parameters["action"].default, "user"))
    found.update((f"visit_{action.value}", "visit") for action in ReviewAction)
    found.update({("visit_created", "visit"), ("visit_updated", "visit")})  # server/visits/push.py
    return found


def test_every_recorded_code_has_its_wording():
    recorded = _recorded()
    assert len({action for action, _ in recorded}) > 40  # the scan itself still finds the codes
    assert {"token_issue", "sign_in", "visit_reopen", "direction_done", "merge"} <= {a for a, _ in recorded}
    missing = sorted(f"{a}:{e}" for a, e in recorded if not has_sentence(a, e))
    assert not missing, f"codes recorded without a sentence in server/audit/wording.py: {missing}"
    unnamed = sorted({a for a, _ in recorded if a not in ACTION_LABELS})
    assert not unnamed, f"codes recorded without a label in server/audit/wording.py: {unnamed}"


def _entries(app, world, visit_id: str) -> None:
    with app.app_context():
        record("sign_in", "user", world.admin, actor_id=world.admin)
        record("token_issue", "device_token", 7, actor_id=world.cadre, name="Điện thoại", via="password")
        record("sign_in_failed", "user", "unknown", username="ai-do", address="203.0.113.9", via="web")
        record("visit_return", "visit", visit_id, actor_id=world.supervisor, version=2, changes={
            "status": ["submitted", "returned"], "review_comment": [None, "Bổ sung kiến nghị"]})
        record("update", "user", world.cadre, actor_id=world.admin,
               changes={"full_name": ["Cán Bộ Cũ", "Cán Bộ Thử"]})
        record("frobnicate_widget", "widget", 3, actor_id=world.admin, colour="xanh")
        db.session.commit()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_entries_read_as_vietnamese_sentences(app, client, auth, world):
    token = issue_token(client)
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit])
    _entries(app, world, visit["id"])
    with app.app_context():
        admin = db.session.get(User, world.admin).full_name
        cadre = db.session.get(User, world.cadre).full_name
    auth.sign_in("admin")
    html = client.get("/audit/").get_data(as_text=True)
    text = _text(html)
    for sentence in (f"{admin} đã đăng nhập", f"{cadre} đã được cấp mã thiết bị cho «Điện thoại»",
                     "Đăng nhập không thành công với tên đăng nhập «ai-do»", "Địa chỉ IP 203.0.113.9",
                     f"{cadre} đã gửi lượt đi cơ sở của {cadre} tại",
                     "Trạng thái Đã gửi, chờ duyệt → Bị trả lại", "Nhận xét Bổ sung kiến nghị",
                     f"{admin} đã sửa tài khoản của {cadre}", "Họ và tên Cán Bộ Cũ → Cán Bộ Thử",
                     # a code nobody worded yet: still a sentence, with its details
                     f"{admin}: thao tác «frobnicate widget» trên widget 3", "colour xanh"):
        assert sentence in text, sentence
    # the visit is named, and its link says what it opens (not "Đang thực hiện", a direction's state)
    assert f'href="/review/visits/{visit["id"]}">Xem lượt đi cơ sở</a>' in html
    assert "Đang thực hiện" not in text
    assert "<code>" not in html and '{"' not in html and "token_issue</" not in html
    # a new visit's details are its values, not "— → value" for each field
    assert "Hình thức Khảo sát chuyên đề" in text and "— →" not in text
    # the filter names the codes too
    assert '<option value="token_issue">Cấp mã thiết bị</option>' in html


def test_entries_read_as_english_sentences_in_english(app, client, auth, world):
    _entries(app, world, str(uuid.uuid4()))
    with app.app_context():
        admin = db.session.get(User, world.admin)
        admin.locale = "en"
        name = admin.full_name
        db.session.commit()
    auth.sign_in("admin")
    text = _text(client.get("/audit/").get_data(as_text=True))
    assert f"{name} signed in" in text and "was issued a device token for “Điện thoại”" in text
    assert "IP address 203.0.113.9" in text and "Status Sent, awaiting review → Returned" in text
    # a visit that does not exist (an id tried in an address) is named without a link
    assert "returned a visit to the cadre" in text and "View the visit" not in text


def test_the_audit_page_survives_odd_details(app, client, auth, world):
    with app.app_context():
        db.session.add(AuditEntry(action="", entity_type="", entity_id="", details={
            "changes": "not a dict", "month": "never", "when": date(2025, 1, 2).isoformat(),
            "n": [1, {"a": None}]}))
        db.session.commit()
    auth.sign_in("admin")
    response = client.get("/audit/")
    assert response.status_code == 200
    assert "02/01/2025" in _text(response.get_data(as_text=True))


def test_what_a_password_was_typed_again_for_is_named(app, client, auth, world):
    with app.app_context():
        for purpose in ("change_password", "two_factor_disable"):
            record("reauth_failed", "user", world.cadre, actor_id=world.cadre, purpose=purpose, via="web")
        db.session.commit()
    auth.sign_in("admin")
    text = _text(client.get("/audit/").get_data(as_text=True))
    assert "two_factor_disable" not in text and "change_password" not in text
    with app.test_request_context():  # Vietnamese, as the admin's page
        for purpose in ("change_password", "two_factor_disable"):
            assert f"Để xác nhận {ACTION_LABELS[purpose]}" in text
