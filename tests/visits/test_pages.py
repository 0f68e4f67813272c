"""The visit pages and the form without JavaScript (one validation path: the sync service)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from server.extensions import db
from server.planning.models import Placement
from server.time import today
from server.visits.models import Visit
from tests.factories import make_visit
from tests.helpers import csrf_token

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def _form(world, **fields) -> dict:
    data = {"unit_id": str(world.commune_a1), "start_date": YESTERDAY, "end_date": YESTERDAY,
            "form": "survey", "topics": [str(world.topic)], "summary": "Khảo sát chi đoàn",
            "findings": "", "recommendations": "", "participants": "12"}
    data.update(fields)
    return data


def _post(client, data: dict, path: str = "/visits/new"):
    data = {**data, "csrf_token": csrf_token(client, path)}
    return client.post("/visits/new", data=data)


def test_pages_need_sign_in(client):
    for path in ("/visits/new", "/visits/", "/visits/placement", "/visits/settings"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


def test_pages_render_in_vietnamese(client, auth, world):
    auth.sign_in("cadre")
    for path, text in [("/visits/new", "Ghi lượt đi cơ sở"), ("/visits/", "Các lượt của tôi"),
                       ("/visits/placement", "Bạn không có đợt tập sự nào"),
                       ("/visits/settings", "Xuất các lượt đang chờ gửi")]:
        page = client.get(path).get_data(as_text=True)
        assert text in page, path
        assert 'type="module"' in page and 'rel="manifest"' in page


def test_form_choices_follow_the_readers_language(app, client, auth, world):
    auth.sign_in("cadre")
    page = client.get("/visits/new").get_data(as_text=True)
    assert "Khảo sát chuyên đề" in page and "Kiểm tra, giám sát" in page
    assert "Thematic survey" not in page
    client.post("/auth/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})
    assert "Thematic survey" in client.get("/visits/new").get_data(as_text=True)


def test_form_offers_the_units_the_cadre_may_record_for(client, auth, world):
    auth.sign_in("cadre")
    page = client.get("/visits/new").get_data(as_text=True)
    assert "Đoàn xã A1" in page and "Đoàn xã B1" in page  # subtree and assignment
    assert "Huyện đoàn B" not in page


def test_valid_post_saves_the_visit(app, client, auth, world):
    auth.sign_in("cadre")
    response = _post(client, _form(world))
    assert response.status_code == 302 and response.headers["Location"].endswith("/visits/?fresh=1")
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert visit.cadre_id == world.cadre and visit.participants == 12
        assert [t.id for t in visit.topics] == [world.topic] and visit.device_id == "web"
    assert "Đã lưu lượt đi cơ sở" in client.get("/visits/").get_data(as_text=True)


def test_invalid_post_comes_back_filled_with_vietnamese_messages(app, client, auth, world):
    auth.sign_in("cadre")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = _post(client, _form(world, start_date=tomorrow, end_date=YESTERDAY, form="",
                                   summary="Nội dung không được mất"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "không thể bắt đầu trong tương lai" in page
    assert "Ngày kết thúc trước ngày bắt đầu" in page
    assert "Vui lòng chọn hình thức đi cơ sở" in page
    assert "Nội dung không được mất" in page  # nothing lost
    with app.app_context():
        assert db.session.scalar(select(Visit)) is None


def test_service_rules_come_back_on_the_form(app, client, auth, world):
    auth.sign_in("cadre2")  # not assigned to commune B1
    response = _post(client, _form(world, unit_id=str(world.commune_b1), summary="Giữ lại"))
    # B1 is not offered to cadre2, so the form itself refuses it; the text survives
    assert response.status_code == 400 and "Giữ lại" in response.get_data(as_text=True)


def test_returned_visit_is_edited_and_resubmitted(app, client, auth, world):
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, status="returned", review_comment="Bổ sung số liệu",
                           version=2, summary="Bản đầu")
        visit_id = visit.id
        db.session.commit()
    auth.sign_in("cadre")
    page = client.get(f"/visits/new?edit={visit_id}").get_data(as_text=True)
    assert "Bổ sung số liệu" in page and "Bản đầu" in page and 'value="2"' in page
    # without JavaScript too, the page says it is a fix to send again
    assert '<h1 id="form-title">Sửa và gửi lại</h1>' in page and "Lưu và gửi lại</button>" in page
    data = _form(world, id=str(visit_id), base_version="2", summary="Bản đã sửa")
    response = _post(client, data, path=f"/visits/new?edit={visit_id}")
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (visit.status, visit.version, visit.summary) == ("submitted", 3, "Bản đã sửa")
    # a stale edit (base version 2 again) is a conflict, shown on the form, text kept
    response = _post(client, {**data, "summary": "Sửa cũ"}, path=f"/visits/new?edit={visit_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "đã được thay đổi ở nơi khác" in page and "Sửa cũ" in page


def test_others_visits_cannot_be_opened_for_edit(app, client, auth, world):
    with app.app_context():
        visit_id = make_visit(world.other_cadre, world.commune_a1, summary="Của người khác").id
        db.session.commit()
    auth.sign_in("cadre")
    page = client.get(f"/visits/new?edit={visit_id}").get_data(as_text=True)
    assert "Của người khác" not in page
    assert client.get("/visits/new?edit=not-a-uuid").status_code == 404


def test_placement_page_lists_days_and_tasks(app, client, auth, world):
    with app.app_context():
        start = date.today() - timedelta(days=3)
        placement = Placement(cadre_id=world.cadre, unit_id=world.commune_a2, start_date=start,
                              end_date=start + timedelta(days=6), tasks=["Dự sinh hoạt chi đoàn"])
        db.session.add(placement)
        db.session.flush()
        make_visit(world.cadre, world.commune_a2, start=start, placement_id=placement.id)
        db.session.commit()
        placement_id = placement.id
    auth.sign_in("cadre")
    page = client.get("/visits/placement").get_data(as_text=True)
    assert "Dự sinh hoạt chi đoàn" in page and "Ngày 7" in page
    # day 1 is logged; days to come are not offered
    come = sum(1 for n in range(1, 7) if start + timedelta(days=n) <= today())
    assert page.count("Ghi ngày này") == come and page.count("Chưa đến ngày") == 6 - come
    form = client.get(f"/visits/new?placement={placement_id}&date={start.isoformat()}").get_data(as_text=True)
    assert f'value="{start.isoformat()}"' in form


def test_service_worker_and_manifest_headers(client):
    sw = client.get("/sw.js")
    assert sw.headers["Cache-Control"] == "no-cache" and sw.mimetype == "text/javascript"
    assert "DICOSO_SHELL" in sw.get_data(as_text=True)
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    page = client.get("/auth/sign-in").get_data(as_text=True)
    css = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert "/static/v/" in css
    assert "immutable" in client.get(css).headers["Cache-Control"]
    gz = client.get("/auth/sign-in", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in gz.headers["Vary"]


def test_the_page_links_a_small_favicon_the_worker_precaches(client):
    """Every cold page load fetches the favicon: a 32-pixel icon of a few hundred bytes, not the
    manifest's 192-pixel one (2 KB of the form's 40 KB); it is precached like the shell."""
    import io
    import json

    from PIL import Image

    page = client.get("/auth/sign-in").get_data(as_text=True)
    href = page.split('<link rel="icon"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/png"
    assert Image.open(io.BytesIO(icon.data)).size == (32, 32) and len(icon.data) < 1024
    source = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(source.split("self.DICOSO_SHELL = ", 1)[1].split(";\n", 1)[0])
    assert href in shell["precache"]


def test_precache_holds_every_script_the_page_and_the_worker_load(client):
    """A module missing from the precache breaks the app offline: every file under pwa/js is in it,
    and the worker imports the shared push and photo upload rules and its Background Sync from the
    precached, versioned URLs."""
    import json
    from pathlib import Path

    source = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(source.split("self.DICOSO_SHELL = ", 1)[1].split(";\n", 1)[0])
    precached = {url.split("/", 4)[4] for url in shell["precache"] if url.startswith("/static/v/")}
    pwa = Path(__file__).resolve().parents[2] / "pwa"
    scripts = {str(p.relative_to(pwa)) for p in (pwa / "js").rglob("*.js")}
    assert scripts and scripts <= precached
    assert ("importScripts(`${SHELL.staticPrefix}js/push-rule.js`,"  # minified or not
            "`${SHELL.staticPrefix}js/photo-upload-rule.js`,`${SHELL.staticPrefix}js/sw-background-sync.js`)"
            ) in source.replace(", `", ",`").replace(",\n  `", ",`")


def test_unknown_id_edit_page_is_blank_for_the_script(client, auth, world):
    auth.sign_in("cadre")
    response = client.get(f"/visits/new?edit={uuid.uuid4()}")
    assert response.status_code == 200  # the device may hold it; the page's script fills it in


def test_a_page_preloads_every_module_it_will_import(client, auth, world):
    """app.js's and the view's modules, all of them, so the browser fetches them at once instead of
    discovering them one import level at a time (on a phone at 4x slower CPU every level costs)."""
    import re

    auth.sign_in("cadre")
    page = client.get("/visits/new").get_data(as_text=True)
    links = re.findall(r'<link rel="modulepreload" href="([^"]+)"', page)
    preloaded = {url.split("/", 4)[4] for url in links}
    # deep in the graph: app.js → sync.js → outbox.js → push-rule.js; the view → photo-form.js → …
    assert {"js/app.js", "js/views/visit-form.js", "js/push-rule.js", "js/photo-list.js",
            "js/sign-out.js", "js/multi-choice.js"} <= preloaded
    assert "js/views/my-visits.js" not in preloaded  # another page's view
    # loaded when a photo is chosen, when the sign-out button is pressed, when a photo is owed to
    # the server: not part of every form's weight (issue 17)
    assert not {"js/photo-resize.js", "js/photo-exif.js", "js/sign-out-flow.js", "js/sign-out-dialog.js",
                "js/export-file.js", "js/photo-upload.js", "js/photo-upload-rule.js"} & preloaded


def test_a_page_preloads_the_messages_of_its_language_only(app, client, auth, world):
    """i18n.js imports messages/<lang>.js by name: the page preloads that one, not both."""
    import re

    from server.auth.models import User

    auth.sign_in("cadre")
    for language, other in (("vi", "en"), ("en", "vi")):
        with app.app_context():
            db.session.get(User, world.cadre).locale = language
            db.session.commit()
        page = client.get("/visits/new").get_data(as_text=True)
        links = re.findall(r'<link rel="modulepreload" href="([^"]+)"', page)
        preloaded = {url.split("/", 4)[4] for url in links}
        assert f'<html lang="{language}">' in page
        assert f"js/messages/{language}.js" in preloaded and f"js/messages/{other}.js" not in preloaded
