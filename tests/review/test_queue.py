"""The review queue: scope, filters (in the URL), counts, keyset pages, diacritics-free search."""

from __future__ import annotations

import re
from datetime import date, timedelta

from server.extensions import db
from server.planning.models import Placement
from tests.factories import make_visit

LAST_MONTH = date.today() - timedelta(days=40)


def _ids(page: str) -> list[str]:
    return re.findall(r'<li data-id="([0-9a-f-]{36})"', page)


def _queue(client, **args) -> str:
    response = client.get("/review/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_queue_shows_submitted_visits_of_the_reviewers_cadres_newest_first(app, client, auth, world):
    with app.app_context():
        old = make_visit(world.cadre, world.commune_a1, summary="cũ")
        new = make_visit(world.other_cadre, world.commune_a2, summary="mới")
        done = make_visit(world.cadre, world.commune_a1, status="approved")
        own = make_visit(world.district_supervisor, world.commune_a1)
        db.session.commit()
        old_id, new_id, done_id, own_id = map(str, (old.id, new.id, done.id, own.id))
    auth.sign_in("supa")
    page = _queue(client)
    assert _ids(page) == [new_id, old_id]  # not approved ones, never one's own
    assert done_id not in page and own_id not in page
    assert _ids(_queue(client, status="approved")) == [done_id]
    assert set(_ids(_queue(client, status=""))) == {new_id, old_id, done_id}


def test_filters_combine_and_live_in_the_url(app, client, auth, world):
    with app.app_context():
        placement = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=LAST_MONTH,
                              end_date=LAST_MONTH + timedelta(days=6))
        db.session.add(placement)
        db.session.flush()
        a1 = make_visit(world.cadre, world.commune_a1, start=LAST_MONTH, form="inspection",
                        summary="Kiểm tra sổ sách chi đoàn", placement_id=placement.id)
        b1 = make_visit(world.cadre, world.commune_b1, start=LAST_MONTH - timedelta(days=60),
                        findings="Thiếu KIỂM TRA định kỳ")
        a2 = make_visit(world.other_cadre, world.commune_a2, form="meeting", recommendations="Tăng cường")
        db.session.commit()
        a1_id, b1_id, a2_id = str(a1.id), str(b1.id), str(a2.id)
    auth.sign_in("sup")
    assert set(_ids(_queue(client, unit=world.district_a))) == {a1_id, a2_id}
    assert _ids(_queue(client, cadre=world.other_cadre)) == [a2_id]
    assert _ids(_queue(client, form="inspection")) == [a1_id]
    assert _ids(_queue(client, placement="y")) == [a1_id]
    assert _ids(_queue(client, date_from=LAST_MONTH.isoformat(), date_to=LAST_MONTH.isoformat())) == [a1_id]
    # without diacritics, any case, across summary, findings and recommendations
    assert set(_ids(_queue(client, q="kiem tra"))) == {a1_id, b1_id}
    assert _ids(_queue(client, q="kiem tra", unit=world.district_a)) == [a1_id]
    assert _ids(_queue(client, q="TANG cuong")) == [a2_id]
    assert _ids(_queue(client, q="100%")) == []  # LIKE wildcards are searched for, not obeyed


def test_late_reports_are_those_received_more_than_ten_days_after_the_end(app, client, auth, world):
    from datetime import UTC, datetime, time

    from server.time import LOCAL_ZONE

    end = date.today() - timedelta(days=30)
    with app.app_context():
        on_time = make_visit(world.cadre, world.commune_a1, start=end,
                             received_at=datetime.combine(end + timedelta(days=10), time(23, 0), LOCAL_ZONE))
        late = make_visit(world.cadre, world.commune_a1, start=end,
                          received_at=datetime.combine(end + timedelta(days=11), time(0, 30), LOCAL_ZONE))
        db.session.commit()
        assert (on_time.reported_late, late.reported_late) == (False, True)
        late_id = str(late.id)
        assert late.received_at.astimezone(UTC).date() == end + timedelta(days=10)  # a UTC date would lie
    auth.sign_in("sup")
    assert _ids(_queue(client, late="y")) == [late_id]


def test_counts_per_status_follow_the_other_filters(app, client, auth, world):
    with app.app_context():
        for status in ("submitted", "submitted", "approved", "returned"):
            make_visit(world.cadre, world.commune_a1, status=status, form="survey")
        make_visit(world.cadre, world.commune_a1, form="meeting")
        db.session.commit()
    auth.sign_in("sup")
    page = _queue(client, form="survey")
    counts = dict(re.findall(r'>\s*(Đã gửi, chờ duyệt|Đã duyệt|Bị trả lại) <span class="count">(\d+)<', page))
    assert counts == {"Đã gửi, chờ duyệt": "2", "Đã duyệt": "1", "Bị trả lại": "1"}


def test_keyset_pages_walk_the_whole_queue_once(app, client, auth, world):
    from server.review import queue

    with app.app_context():
        made = {str(make_visit(world.cadre, world.commune_a1).id) for _ in range(7)}
        db.session.commit()
    auth.sign_in("sup")
    seen: list[str] = []
    args: dict = {}
    original = queue.PAGE_SIZE
    queue.PAGE_SIZE = 3
    try:
        for _ in range(5):
            page = _queue(client, **args)
            seen += _ids(page)
            found = re.search(r'href="[^"]*after=([^"&]+)[^"]*" rel="next"', page)
            if not found:
                break
            args = {"after": found.group(1).replace("%3A", ":").replace("%2B", "+")}
    finally:
        queue.PAGE_SIZE = original
    assert len(seen) == 7 and set(seen) == made


def test_bad_filter_values_are_explained_not_fatal(app, client, auth, world):
    auth.sign_in("sup")
    response = client.get("/review/", query_string={"date_from": "31/02/2026", "unit": "x", "after": "junk"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ngày không hợp lệ." in page and "Lựa chọn không hợp lệ." in page


def test_the_home_page_count_links_to_the_queue(app, client, auth, world):
    with app.app_context():
        make_visit(world.cadre, world.commune_a1)
        db.session.commit()
    auth.sign_in("sup")
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/review/"><strong>1</strong>', page)


def test_a_large_province_types_a_unit_code_or_username_instead_of_a_long_list(app, client, auth, world,
                                                                                monkeypatch):
    from server.review import views_support

    monkeypatch.setattr(views_support, "MAX_CHOICES", 2)
    with app.app_context():
        a1 = make_visit(world.cadre, world.commune_a1)
        a2 = make_visit(world.other_cadre, world.commune_a2)
        db.session.commit()
        a1_id, a2_id = str(a1.id), str(a2.id)
    auth.sign_in("sup")
    page = _queue(client)
    assert 'name="unit_code"' in page and 'name="cadre_username"' in page and 'name="unit"' not in page
    assert _ids(_queue(client, unit_code="T1-A1")) == [a1_id]
    assert _ids(_queue(client, cadre_username="CADRE2")) == [a2_id]
    unknown = _queue(client, unit_code="NOPE")
    assert _ids(unknown) == [] and "Không có đơn vị nào của bạn mang mã này." in unknown


def test_counts_stop_at_the_cap(app, client, auth, world, monkeypatch):
    from server.review import queue

    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    with app.app_context():
        for _ in range(3):
            make_visit(world.cadre, world.commune_a1)
        make_visit(world.cadre, world.commune_a1, status="approved")
        db.session.commit()
    auth.sign_in("sup")
    page = _queue(client)
    assert re.search(r'Đã gửi, chờ duyệt <span class="count">2\+</span>', page)
    assert re.search(r'Đã duyệt <span class="count">1</span>', page)
    assert len(_ids(page)) == 3  # the list itself is not capped
