"""A hearing's .docx report of more cadres than ``HEARING_DOCX_DIRECT_CADRES`` is an export job
(server/exports): the report link sends the person to the job's page, whose file is the very
document the direct download gives; the job and its file are the asker's alone, and neither
outlives the asker's rights to the hearing. A smaller report still downloads at once."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from server.auth.models import User
from server.exports.models import ExportChunk, ExportJob
from server.extensions import db
from server.hearings.models import Hearing
from server.hearings.services import give_direction, save_conclusion
from server.units.models import Unit
from tests.conftest import AuthActions
from tests.exports.support import job_id_of, wait_for
from tests.factories import make_hearing, make_supervisor
from tests.helpers import csrf_token

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: the cadres district A's October 2025 hears (cadre3 is exempt: named once, at the end)
HEARD = ("Cán Bộ Thử", "Cán Bộ Khác", "Cán Bộ Giảm")


def _text(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return parts


def _signed_in(app, username):
    client = app.test_client()
    AuthActions(client).sign_in(username)
    return client


def _hearing(app, world) -> int:
    with app.app_context():
        hearing_id = make_hearing(world, date(2025, 10, 1), world.district_a)
        hearing = db.session.get(Hearing, hearing_id)
        cadre, sup = db.session.get(User, world.cadre), db.session.get(User, world.supervisor)
        save_conclusion(hearing, cadre, "Tích cực, cần đến xã B1 thường xuyên hơn.", sup)
        give_direction(hearing, cadre, sup, text="Khảo sát mô hình kinh tế thanh niên ở xã B1",
                       due_date=date(2025, 12, 15), unit_id=world.commune_b1, topic_id=None)
        db.session.commit()
    return hearing_id


def _start(client, hearing_id: int):
    """Press the hearing page's "Prepare the report" button."""
    token = csrf_token(client, f"/hearings/{hearing_id}")
    return client.post(f"/hearings/{hearing_id}/report-job", data={"csrf_token": token})


def _jobs(app) -> int:
    with app.app_context():
        return db.session.query(ExportJob).count()


def test_a_large_hearing_becomes_a_job_whose_file_is_the_direct_report(app, world, october):
    hearing_id = _hearing(app, world)
    supa = _signed_in(app, "supa")
    app.config.update(EXPORT_QUEUE="eager", HEARING_DOCX_DIRECT_CADRES=len(HEARD))
    direct = supa.get(f"/hearings/{hearing_id}/report.docx")
    assert direct.status_code == 200 and direct.mimetype == DOCX  # at the threshold: at once
    assert _jobs(app) == 0
    page = supa.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert f'/hearings/{hearing_id}/report.docx" download>' in page

    app.config["HEARING_DOCX_DIRECT_CADRES"] = len(HEARD) - 1
    page = supa.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert f'/hearings/{hearing_id}/report.docx" download>' not in page  # it would save the job's page
    assert f'action="/hearings/{hearing_id}/report-job"' in page
    # the link's GET starts nothing: it leads back to the hearing, whose button does
    back = supa.get(f"/hearings/{hearing_id}/report.docx")
    assert back.status_code == 303 and back.headers["Location"] == f"/hearings/{hearing_id}"
    assert _jobs(app) == 0
    assert supa.post(f"/hearings/{hearing_id}/report-job").status_code == 400  # no CSRF token
    assert _jobs(app) == 0
    response = _start(supa, hearing_id)
    job_id = job_id_of(response)
    assert response.headers["Location"] == f"/exports/{job_id}"
    job = wait_for(app, job_id)
    assert job.state == "done", job.error
    assert (job.kind, job.params, job.format) == ("hearing", {"hearing": hearing_id}, "docx")
    assert (job.rows_expected, job.rows_written) == (len(HEARD), len(HEARD))
    assert job.file_name == f"bao-cao-nghe-can-bo-2025-10-{hearing_id}.docx"
    shown = supa.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "Ready: 3 cadres." in shown or "Đã xong: 3 cán bộ." in shown
    assert f"/exports/{job_id}/file" in shown
    assert job_id in supa.get("/exports/").get_data(as_text=True)
    file = supa.get(f"/exports/{job_id}/file")
    assert file.status_code == 200 and file.mimetype == DOCX
    assert job.file_name in file.headers["Content-Disposition"]
    text = _text(file.data)
    assert text == _text(direct.data)
    joined = "\n".join(text)
    for name in HEARD:
        assert f"Đồng chí {name}" in joined, name
    assert "Khảo sát mô hình kinh tế thanh niên ở xã B1" in joined


def test_a_job_in_a_real_thread(make_app, world, october):
    app = make_app(EXPORT_QUEUE="thread", HEARING_DOCX_DIRECT_CADRES=0)
    hearing_id = _hearing(app, world)
    supa = _signed_in(app, "supa")
    job = wait_for(app, job_id_of(_start(supa, hearing_id)))
    assert job.state == "done", job.error
    text = "\n".join(_text(supa.get(f"/exports/{job.id}/file").data))
    assert "Đồng chí Cán Bộ Thử" in text and "Đồng chí Cán Bộ Khác" in text


def test_an_unfinished_job_is_reused_not_started_twice(make_app, world, october):
    app = make_app(EXPORT_QUEUE="rq", RQ_REDIS_URL="redis://127.0.0.1:1/0", HEARING_DOCX_DIRECT_CADRES=0)
    hearing_id = _hearing(app, world)
    supa = _signed_in(app, "supa")
    first = job_id_of(_start(supa, hearing_id))
    with app.app_context():
        job = db.session.get(ExportJob, first)
        assert job.state == "failed"  # no Redis on port 1: not queued
        job.state, job.error = "queued", None  # as if a worker were about to take it
        db.session.commit()
    assert job_id_of(_start(supa, hearing_id)) == first
    # the link, too, leads to the job under way
    assert job_id_of(supa.get(f"/hearings/{hearing_id}/report.docx")) == first
    # another person's, or a failed one, is not reused
    sup = _signed_in(app, "sup")
    second = job_id_of(_start(sup, hearing_id))
    assert second != first
    with app.app_context():
        db.session.get(ExportJob, first).state = "failed"
        db.session.commit()
    assert job_id_of(_start(supa, hearing_id)) not in (first, second)
    assert _jobs(app) == 3


def test_a_small_hearing_still_downloads_at_once(make_app, world, october):
    app = make_app(EXPORT_QUEUE="eager")  # the default threshold: a few cadres are far below it
    hearing_id = _hearing(app, world)
    response = _signed_in(app, "supa").get(f"/hearings/{hearing_id}/report.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "Đồng chí Cán Bộ Thử" in "\n".join(_text(response.data))
    # a button pressed on a page from before the hearing shrank leads to the download
    pressed = _start(_signed_in(app, "supa"), hearing_id)
    assert pressed.status_code == 303 and pressed.headers["Location"] == f"/hearings/{hearing_id}/report.docx"
    assert _jobs(app) == 0


def test_the_job_and_its_file_are_the_askers_alone(make_app, world, october):
    app = make_app(EXPORT_QUEUE="eager", HEARING_DOCX_DIRECT_CADRES=0)
    hearing_id = _hearing(app, world)
    with app.app_context():
        make_supervisor("supb", "Giám Sát Huyện B", db.session.get(Unit, world.district_b))
        db.session.commit()
    supa = _signed_in(app, "supa")
    job_id = job_id_of(_start(supa, hearing_id))
    assert wait_for(app, job_id).state == "done"
    assert supa.get(f"/exports/{job_id}/file").status_code == 200
    supb = _signed_in(app, "supb")  # district B's supervisor: not even the hearing
    assert supb.get(f"/hearings/{hearing_id}/report.docx").status_code == 404
    token = csrf_token(supb, "/hearings/")
    assert supb.post(f"/hearings/{hearing_id}/report-job", data={"csrf_token": token}).status_code == 404
    # the province's supervisor and the admin may see the hearing, not this job
    for client in (supb, _signed_in(app, "sup"), _signed_in(app, "admin")):
        assert client.get(f"/exports/{job_id}").status_code == 404
        assert client.get(f"/exports/{job_id}/file").status_code == 404
    cadre = _signed_in(app, "cadre")
    assert cadre.get(f"/hearings/{hearing_id}/report.docx").status_code == 403
    token = csrf_token(cadre, "/visits/settings")
    assert cadre.post(f"/hearings/{hearing_id}/report-job", data={"csrf_token": token}).status_code == 403
    assert cadre.get(f"/exports/{job_id}/file").status_code == 403
    assert _jobs(app) == 1


def test_a_job_whose_asker_lost_the_hearing_fails_and_its_file_is_gone(make_app, world, october):
    """The hearing is checked again when the job runs, and when its page or file is asked."""
    from server.exports import runners

    app = make_app(EXPORT_QUEUE="rq", RQ_REDIS_URL="redis://127.0.0.1:1/0", HEARING_DOCX_DIRECT_CADRES=0)
    hearing_id = _hearing(app, world)
    supa = _signed_in(app, "supa")
    job_id = job_id_of(_start(supa, hearing_id))
    done_id = job_id_of(_start(_signed_in(app, "sup"), hearing_id))
    with app.app_context():
        for queued in (job_id, done_id):
            job = db.session.get(ExportJob, queued)
            assert job.state == "failed"  # no Redis on port 1: not queued
            job.state, job.error = "queued", None
        db.session.commit()
    runners.run_in_app(app, done_id)  # the province's supervisor's: done while they see district A
    assert wait_for(app, done_id).state == "done"
    with app.app_context():
        db.session.get(User, world.district_supervisor).unit_id = world.district_b
        db.session.get(User, world.supervisor).unit_id = world.district_b
        db.session.commit()
    runners.run_in_app(app, job_id)
    job = wait_for(app, job_id)
    assert job.state == "failed" and "NotFound" in job.error
    with app.app_context():
        assert db.session.query(ExportChunk).filter_by(job_id=job_id).count() == 0
    sup = _signed_in(app, "sup")
    assert sup.get(f"/exports/{done_id}").status_code == 404
    assert sup.get(f"/exports/{done_id}/file").status_code == 404
    assert supa.get(f"/exports/{job_id}").status_code == 404
