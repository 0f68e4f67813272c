"""History in the units file: validity dates and successors, so that a reform (districts retired,
communes merged into new or existing ones) is one import, applied through the same retire and merge
services as the forms, with the same result for the regime's rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.regime.units import final_units
from server.units.models import Unit
from tests.admin.import_support import apply, changes, keys, section, upload

# District A and B end on 30/06/2025; A1 merges into a new commune X under the province, B1 into the
# existing A2, which moves under the province and goes on.
REFORM = ("code,name,kind,parent_code,valid_from,valid_until,successor\n"
          "T1-A,Huyện đoàn A,district,T1,,30/06/2025,\n"
          "T1-B,Huyện đoàn B,district,T1,,30/06/2025,\n"
          "T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-X\n"
          "T1-B1,Đoàn xã B1,commune,T1-B,,30/06/2025,T1-A2\n"
          "T1-A2,Đoàn xã A2,commune,T1,,,\n"
          "T1-X,Đoàn xã Hợp Nhất,commune,T1,01/07/2025,,\n")
JUNE_30, JULY_1 = date(2025, 6, 30), date(2025, 7, 1)
# code: (parent, valid_from, valid_to, successor), and the unit each one's visits count for today
AFTER_THE_REFORM = {
    "T1": (None, None, None, None),
    "T1-A": ("T1", None, JUNE_30, None),
    "T1-B": ("T1", None, JUNE_30, None),
    "T1-A1": ("T1-A", None, JUNE_30, "T1-X"),
    "T1-A2": ("T1", None, None, None),
    "T1-B1": ("T1-B", None, JUNE_30, "T1-A2"),
    "T1-X": ("T1", JULY_1, None, None),
}
COUNTED_UNDER = {"T1": "T1", "T1-A": "T1-A", "T1-B": "T1-B", "T1-A1": "T1-X", "T1-A2": "T1-A2",
                 "T1-B1": "T1-A2", "T1-X": "T1-X"}


def _history(app) -> tuple[dict, dict, list, list]:
    """The units' history as the regime and the audit log see it, by code."""
    with app.app_context():
        units = {u.id: u for u in db.session.scalars(select(Unit))}

        def code(unit_id: int | None) -> str | None:
            return units[unit_id].code if unit_id else None

        for unit in units.values():  # every materialised path agrees with the parents
            parent = units.get(unit.parent_id)
            assert unit.path == f"{parent.path if parent else '/'}{unit.id}/", unit.code
        table = {u.code: (code(u.parent_id), u.valid_from, u.valid_to, code(u.successor_id))
                 for u in units.values()}
        final = {code(src): code(current) for src, current in db.session.execute(select(final_units()))}
        entries = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(("merge", "retire")))))
        merges = sorted((code(int(e.entity_id)), sorted(code(s) for s in e.details["sources"]),
                         e.details["valid_from"]) for e in entries if e.action == "merge")
        retired = sorted((code(int(e.entity_id)), e.details["valid_to"])
                         for e in entries if e.action == "retire")
        return table, final, merges, retired


def _by_forms(app, post, world) -> None:
    """The reform as an admin makes it without a file: two merge forms, an edit, two retire forms."""
    with app.app_context():
        ids = {u.code: u.id for u in db.session.scalars(select(Unit))}
    assert post("/admin/units/merge", data={
        "sources": [str(ids["T1-A1"])], "new_name": "Đoàn xã Hợp Nhất", "new_code": "T1-X",
        "new_kind": "commune", "new_parent_id": str(ids["T1"]), "on": "2025-07-01"}).status_code == 302
    assert post("/admin/units/merge", data={"sources": [str(ids["T1-B1"])], "successor_id": str(ids["T1-A2"]),
                                            "on": "2025-07-01"}).status_code == 302
    moved = {"name": "Đoàn xã A2", "kind": "commune", "code": "T1-A2", "parent_id": str(ids["T1"])}
    assert post(f"/admin/units/{ids['T1-A2']}", data=moved).status_code == 302
    for district in ("T1-A", "T1-B"):
        page = f"/admin/units/{ids[district]}"
        assert post(page, f"{page}/retire", data={"on": "2025-06-30"}).status_code == 302


def _by_import(app, post, world) -> None:
    response = upload(post, "units", REFORM)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert apply(post, "units", response.get_data(as_text=True)).status_code == 200


@pytest.mark.parametrize("make_reform", [_by_forms, _by_import], ids=["forms", "import"])
def test_a_reform_by_import_is_the_reform_by_forms(app, admin, post, world, make_reform):
    make_reform(app, post, world)
    table, final, merges, retired = _history(app)
    assert table == AFTER_THE_REFORM
    assert final == COUNTED_UNDER
    assert merges == [("T1-A2", ["T1-B1"], "2025-07-01"), ("T1-X", ["T1-A1"], "2025-07-01")]
    assert retired == [("T1-A", "2025-06-30"), ("T1-B", "2025-06-30")]


def test_the_dry_run_says_what_the_reform_changes_and_a_second_import_nothing(app, admin, post, world):
    page = upload(post, "units", REFORM).get_data(as_text=True)
    assert keys(page, "new") == {"T1-X"}
    assert keys(page, "changed") == {"T1-A", "T1-B", "T1-A1", "T1-B1", "T1-A2"}
    assert changes(page, "T1-A1") == [("hiệu lực đến", "—", "30/06/2025"), ("đơn vị kế thừa", "—", "T1-X")]
    assert changes(page, "T1-A2") == [("đơn vị cấp trên", "T1-A", "T1")]
    assert "từ 01/07/2025" in section(page, "new")
    apply(post, "units", page)
    again = upload(post, "units", REFORM).get_data(as_text=True)
    assert len(keys(again, "unchanged")) == 6 and 'name="content"' not in again


def test_vietnamese_history_columns(app, admin, post, world):
    content = ("Mã;Tên;Cấp;Đơn vị cha;Hiệu lực từ;HIEU LUC DEN;Đơn vị kế thừa\n"
               "T1-A1;Đoàn xã A1;xã;T1-A;;30/06/2025;T1-A2\n")
    page = upload(post, "units", content).get_data(as_text=True)
    assert changes(page, "T1-A1") == [("hiệu lực đến", "—", "30/06/2025"), ("đơn vị kế thừa", "—", "T1-A2")]
    apply(post, "units", page)
    table, final, _merges, _retired = _history(app)
    assert table["T1-A1"] == ("T1-A", None, JUNE_30, "T1-A2") and final["T1-A1"] == "T1-A2"


def test_moving_the_merger_day_merges_again_through_the_service(app, admin, post, world):
    apply(post, "units", upload(post, "units", REFORM).get_data(as_text=True))
    later = REFORM.replace("T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-X",
                           "T1-A1,Đoàn xã A1,commune,T1-A,,31/07/2025,T1-X")
    page = upload(post, "units", later).get_data(as_text=True)
    assert changes(page, "T1-A1") == [("hiệu lực đến", "30/06/2025", "31/07/2025")]
    apply(post, "units", page)
    table, _final, merges, _retired = _history(app)
    assert table["T1-A1"] == ("T1-A", None, date(2025, 7, 31), "T1-X")
    assert ("T1-X", ["T1-A1"], "2025-08-01") in merges


@pytest.mark.parametrize(("rows", "reason"), [
    ("T1-A1,Đoàn xã A1,commune,T1-A,,,T1-A2\n", "cần ngày cuối cùng"),
    ("T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-Z\n", "không có đơn vị nào mang mã T1-Z"),
    ("T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-A1\n", "không thể kế thừa chính nó"),
    ("T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-A2\nT1-A2,Đoàn xã A2,commune,T1-A,,30/06/2025,T1-A1\n",
     "vòng tròn"),
    ("T1-A1,Đoàn xã A1,commune,T1-A,01/07/2025,30/06/2025,\n", "kết thúc (30/06/2025) trước khi bắt đầu"),
    ("T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-X\nT1-X,Xã X,commune,T1,01/08/2025,,\n",
     "bắt đầu ngày 01/08/2025, sau ngày sáp nhập (01/07/2025)"),
    ("T1-A1,Đoàn xã A1,commune,T1-A,,30/06/2025,T1-A2\nT1-A2,Đoàn xã A2,commune,T1-A,,31/05/2025,\n",
     "kết thúc ngày 31/05/2025, trước ngày sáp nhập (01/07/2025)"),
], ids=["no-last-day", "unknown", "itself", "circle", "ends-before-start", "starts-after", "ends-before"])
def test_bad_history_is_refused_with_its_reason(app, admin, post, world, rows, reason):
    response = upload(post, "units", "code,name,kind,parent_code,valid_from,valid_until,successor\n" + rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and reason in section(page, "errors"), page
    table, *_rest = _history(app)
    assert all(valid_to is None and successor is None for _p, _f, valid_to, successor in table.values())
