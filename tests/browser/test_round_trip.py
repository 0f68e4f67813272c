"""Every field of a visit, typed into the phone's form, saved to the outbox offline and pushed,
arrives on the server unchanged (the other paths: tests/visits/test_round_trip.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.extensions import db
from server.planning.models import Placement, Plan
from server.visits.models import Topic, Visit
from server.visits.store import snapshot
from server.visits.wire import CONTENT_FIELDS, content_of
from tests.browser.conftest import sign_in, wait_for_worker, wait_waiting
from tests.factories import make_hearing, open_directions


def test_every_field_goes_from_the_phone_form_to_the_server(live_server, open_browser, world):
    app = live_server.app
    start = date.today() - timedelta(days=9)
    with app.app_context():
        second = Topic(name_vi="Chủ đề hai", name_en="Second topic")
        placement = Placement(cadre_id=world.cadre, unit_id=world.commune_a1, start_date=start,
                              end_date=start + timedelta(days=6),
                              tasks=["Học việc", "Dự sinh hoạt chi đoàn", "Viết thu hoạch"])
        # early in January the visit falls in last year: a plan for each year it may touch
        plans = [Plan(year=year, title="Kế hoạch thử", minimum_days=30)
                 for year in sorted({start.year, date.today().year})]
        db.session.add_all([second, placement, *plans])
        db.session.flush()
        [direction] = open_directions(world, hearing_id=make_hearing(world, unit_id=world.district_a))
        db.session.commit()
        topics, placement_id = sorted([world.topic, second.id]), placement.id
    expected = {
        "unit_id": world.commune_a1, "start_date": start, "end_date": start + timedelta(days=2),
        "form": "inspection", "topics": topics, "summary": 'Kiểm tra <b>sổ sách</b> & "hồ sơ"',
        "findings": "Thiếu biên bản\nhọp chi đoàn", "recommendations": "Bổ sung trước 30/11",
        "participants": 37, "placement_id": placement_id, "directions": [direction],
        "placement_tasks": ["Dự sinh hoạt chi đoàn", "Học việc"],
        "location": {"lat": pytest.approx(21.8537), "lon": pytest.approx(106.7615), "accuracy_m": 14},
    }
    assert set(expected) == set(CONTENT_FIELDS), "a new visit field needs a value here"

    context = open_browser()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 21.8537, "longitude": 106.7615, "accuracy": 14})
    page = context.new_page()
    sign_in(page, live_server.url)
    wait_for_worker(page)
    page.reload()  # the first sync brought the directions onto the device
    page.wait_for_selector(f"input[name=directions][value='{direction}']")
    context.set_offline(True)
    page.wait_for_selector("#visit-form[data-ready='true']")
    page.select_option("#unit_id", str(world.commune_a1))
    page.fill("#start_date", expected["start_date"].isoformat())
    page.fill("#end_date", expected["end_date"].isoformat())
    page.check("input[name=form][value=inspection]")
    page.click("[data-field=topics] summary")  # the topics fold into one line until opened
    for topic in topics:
        page.check(f"input[name=topics][value='{topic}']")
    chosen = page.inner_text("[data-field=topics] [data-chosen]")
    assert "Chủ đề thử" in chosen and "Chủ đề hai" in chosen  # named in the folded line
    for name in ("summary", "findings", "recommendations"):
        page.fill(f"#{name}", expected[name])
    page.fill("#participants", "37")
    page.select_option("#placement_id", str(placement_id))
    # the chosen placement's tasks, from the device's copy of the bootstrap
    page.check("input[name=placement_tasks][value='Học việc']")
    page.check("input[name=placement_tasks][value='Dự sinh hoạt chi đoàn']")
    page.check(f"input[name=directions][value='{direction}']")
    page.click("#locate")
    page.wait_for_selector("#location-state:has-text('14 m')")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form[data-saved='1']")
    wait_waiting(page, 1)
    context.set_offline(False)
    wait_waiting(page, 0)

    with app.app_context():
        [visit] = db.session.query(Visit).all()
        assert content_of(snapshot(visit)) == expected
