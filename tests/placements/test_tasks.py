"""A visit says which of its placement's tasks it carried out (``placement_tasks``): only the
tasks of the visit's own placement are accepted, except those already on the visit, which stay
when it is edited after the admin reworded the list; stored sorted, each once."""

from __future__ import annotations

from datetime import timedelta

from server.extensions import db
from server.planning.models import Placement
from server.time import today
from tests.api.support import bearer, issue_token, push
from tests.placements.conftest import TASKS


def _visit(world, placement_id, tasks, **overrides):
    from tests.api.support import wire_visit

    day = (today() - timedelta(days=2)).isoformat()
    return wire_visit(world.commune_a1, start_date=day, end_date=day, placement_id=placement_id,
                      placement_tasks=tasks, **overrides)


def test_a_visit_ticks_tasks_of_its_own_placement_only(client, app, world, placements):
    token = issue_token(client, "tapsu")
    good = _visit(world, placements.current, [TASKS[2], TASKS[0], TASKS[2]])
    unknown = _visit(world, placements.current, ["Nhiệm vụ không có trong danh sách"])
    loose = _visit(world, None, [TASKS[0]])
    theirs = _visit(world, placements.theirs, [TASKS[0]])
    results = push(client, token, [good, unknown, loose, theirs]).get_json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "invalid", "invalid"]
    assert set(results[1]["errors"]) == set(results[2]["errors"]) == {"placement_tasks"}
    assert "Nhiệm vụ không có trong danh sách" in results[1]["errors"]["placement_tasks"][0]
    assert set(results[3]["errors"]) == {"placement_id"}
    pulled = client.get(f"/api/v1/visits/{good['id']}", headers=bearer(token)).get_json()
    assert pulled["placement_tasks"] == sorted([TASKS[0], TASKS[2]])
    # the same ticks in another order are the same content: a retry is unchanged
    again = push(client, token, [{**good, "placement_tasks": [TASKS[0], TASKS[2]]}]).get_json()["results"]
    assert again[0]["status"] == "unchanged"


def test_a_task_reworded_since_stays_on_the_visit_it_is_on(client, app, world, placements):
    token = issue_token(client, "tapsu")
    visit = _visit(world, placements.current, [TASKS[1]])
    push(client, token, [visit])
    with app.app_context():
        db.session.get(Placement, placements.current).tasks = ["Dự sinh hoạt hai chi đoàn thôn", TASKS[0]]
        db.session.commit()
    edited = {**visit, "base_version": 1, "summary": "Sửa nội dung"}
    newcomer = _visit(world, placements.current, [TASKS[1]])
    results = push(client, token, [edited, newcomer]).get_json()["results"]
    assert [r["status"] for r in results] == ["updated", "invalid"]
    # unticking it, and ticking the new wording, is an ordinary edit
    renamed = {**edited, "base_version": 2, "placement_tasks": ["Dự sinh hoạt hai chi đoàn thôn"]}
    assert push(client, token, [renamed]).get_json()["results"][0]["status"] == "updated"
    pulled = client.get(f"/api/v1/visits/{visit['id']}", headers=bearer(token)).get_json()
    assert pulled["placement_tasks"] == ["Dự sinh hoạt hai chi đoàn thôn"]


def test_the_visit_form_offers_the_placement_tasks(client, auth, app, world, placements):
    auth.sign_in("tapsu")
    page = client.get(f"/visits/new?placement={placements.current}&date={today().isoformat()}")
    body = page.get_data(as_text=True)
    assert 'id="placement-tasks-block"' in body
    for task in TASKS:
        assert f'name="placement_tasks" type="checkbox" value="{task}"' in body
    # a cadre without placements gets no such block
    auth.sign_out()
    auth.sign_in("cadre")
    assert 'id="placement-tasks-block"' not in client.get("/visits/new").get_data(as_text=True)


def test_the_supervisor_sees_the_tasks_and_their_changes(client, auth, app, world, placements):
    token = issue_token(client, "tapsu")
    visit = _visit(world, placements.current, [TASKS[0]])
    push(client, token, [visit])
    push(client, token, [{**visit, "base_version": 1, "placement_tasks": [TASKS[0], TASKS[1]]}])
    auth.sign_in("supa")
    page = client.get(f"/review/visits/{visit['id']}").get_data(as_text=True)
    assert "Nhiệm vụ tập sự đã thực hiện" in page
    assert f"{TASKS[1]}; {TASKS[0]}" in page  # as stored: sorted
    history = page.split("Nhiệm vụ tập sự đã thực hiện")[-1]
    assert TASKS[0] in history and TASKS[1] in history
