"""Flash messages go to the page the person opens, not to the service worker's background copies."""

from __future__ import annotations


def _flash(client, message: str) -> None:
    with client.session_transaction() as session:
        session["_flashes"] = [("success", message)]


def test_a_background_fetch_by_the_worker_leaves_the_message_for_the_page(client):
    _flash(client, "Đã trả lại lượt đi cơ sở")
    worker_copy = client.get("/auth/sign-in", headers={"Sec-Fetch-Mode": "same-origin"})
    assert "Đã trả lại lượt đi cơ sở" not in worker_copy.get_data(as_text=True)

    page = client.get("/auth/sign-in", headers={"Sec-Fetch-Mode": "navigate"})
    assert "Đã trả lại lượt đi cơ sở" in page.get_data(as_text=True)
    assert "Đã trả lại lượt đi cơ sở" not in client.get("/auth/sign-in").get_data(as_text=True)
