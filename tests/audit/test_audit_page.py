"""Admins browse the audit log, filtered by actor, action and date; nobody else opens it."""

from __future__ import annotations

import re

from tests.api.support import issue_token, push, wire_visit


def test_admins_filter_the_log_by_actor_and_action(app, client, auth, world):
    token = issue_token(client)
    visit = wire_visit(world.commune_a1)
    push(client, token, [visit])
    push(client, token, [{**visit, "base_version": 1, "summary": "khác"}])
    auth.sign_in("admin")
    page = client.get("/audit/", query_string={"action": "visit_updated"}).get_data(as_text=True)
    assert len(re.findall(r'data-action="visit_updated"', page)) == 1
    assert 'data-action="visit_created"' not in page
    assert visit["id"] in page and "Cán Bộ Thử" in page
    page = client.get("/audit/", query_string={"actor": world.admin}).get_data(as_text=True)
    assert 'data-action="visit_' not in page
    page = client.get("/audit/", query_string={"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert "data-action=" not in page.get_data(as_text=True)


def test_only_admins_open_the_log(client, auth, world):
    assert "/auth/sign-in" in client.get("/audit/").headers["Location"]
    for username in ("sup", "cadre"):
        auth.sign_in(username)
        assert client.get("/audit/").status_code == 403
        auth.sign_out()
