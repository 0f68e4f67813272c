"""Supervisors see a visit's photos: thumbnails on the visit page, a count in the queue."""

from __future__ import annotations

import re

from tests.photos.support import add_photo, declaration, declare, jpeg, send


def test_the_review_page_shows_thumbnails_that_open_the_photo(client, auth, token, visit_id):
    first = add_photo(client, token, visit_id, jpeg(800, 600), taken_at="2025-08-16T02:30:00+00:00",
                      caption="Họp chi đoàn")
    second = add_photo(client, token, visit_id, jpeg(300, 600))
    pending = declaration(jpeg(200, 100))
    declare(client, token, visit_id, pending)
    send(client, token, pending["id"], 0, b"\xff\xd8")
    auth.sign_in("supa")
    page = client.get(f"/review/visits/{visit_id}").get_data(as_text=True)
    grid = page[page.index('class="photo-grid"'):]
    for photo_id in (first, second):
        assert f'href="/api/v1/photos/{photo_id}/file"' in grid
        assert f'src="/api/v1/photos/{photo_id}/thumbnail"' in grid
    assert pending["id"] not in page  # not yet arrived: counted, not shown
    assert "1 ảnh đang được tải lên từ điện thoại của cán bộ." in page
    assert "Chụp lúc 16/08/2025 09:30" in page  # the capture time, in Vietnam time
    assert "Họp chi đoàn" in page
    assert 'width="320" height="240"' in grid and 'width="160" height="320"' in grid
    # the thumbnails the page points at answer for this reviewer
    for src in re.findall(r'src="(/api/v1/photos/[^"]+)"', grid):
        assert client.get(src).status_code == 200
    assert "Thêm ảnh" in page  # the history says when each photo arrived


def test_a_visit_without_photos_says_so(client, auth, visit_id):
    auth.sign_in("supa")
    page = client.get(f"/review/visits/{visit_id}").get_data(as_text=True)
    assert "Không có ảnh." in page and 'class="photo-grid"' not in page


def test_queue_rows_show_how_many_photos_a_visit_has(client, auth, token, visit_id, app, world):
    from server.extensions import db
    from tests.factories import make_visit

    with app.app_context():
        bare = make_visit(world.cadre, world.commune_a2)
        db.session.commit()
        bare_id = str(bare.id)
    first = add_photo(client, token, visit_id)
    add_photo(client, token, visit_id)
    auth.sign_in("supa")
    page = client.get("/review/").get_data(as_text=True)
    row = re.search(rf'<li data-id="{visit_id}"[^>]*>(.*?)</li>', page, re.S).group(1)
    assert f'src="/api/v1/photos/{first}/thumbnail"' in row and "2 ảnh" in row
    bare_row = re.search(rf'<li data-id="{bare_id}"[^>]*>(.*?)</li>', page, re.S).group(1)
    assert "ảnh" not in bare_row and "queue-thumb" not in bare_row
