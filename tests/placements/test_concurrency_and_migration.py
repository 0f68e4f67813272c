"""The same closing report pushed by many requests at once is written once (the placement's row
is locked before the stored report is read); a database upgraded with a closing report already
written keeps it."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from server.audit.models import AuditEntry
from server.extensions import db
from server.planning.models import PlacementReport
from tests.api.live import post_json, threaded_server
from tests.api.support import issue_token

THREADS = 12
BEFORE = "c3d1a9e4b7f2"  # the revision before placement_reports


def test_twelve_threads_push_the_same_new_report(app, client, placements):
    token = issue_token(client, "tapsu")
    same = {"id": str(uuid.uuid4()), "base_version": None, "placement_id": placements.current,
            "text": "Báo cáo kết thúc đợt"}
    # and twelve devices each writing the placement's first report under their own id
    rivals = [{**same, "id": str(uuid.uuid4()), "text": f"Bản của máy {n}"} for n in range(THREADS)]

    def send(n: int):
        body = {"device_id": f"d{n}", "visits": [], "placement_reports": [same, rivals[n]]}
        return post_json(url + "/api/v1/sync/push", body, token)

    with threaded_server(app) as url, ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(send, range(THREADS)))
    assert [status for status, _ in answers] == [200] * THREADS
    first = Counter(answer["placement_reports"][0]["status"] for _, answer in answers)
    second = Counter(answer["placement_reports"][1]["status"] for _, answer in answers)
    assert first == {"created": 1, "unchanged": THREADS - 1}
    assert second == {"conflict": THREADS}  # the placement already had its report
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlacementReport)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "closing_report_created")) == 1


def test_an_upgrade_keeps_a_closing_report_already_written(app):
    with app.app_context():
        downgrade(revision=BEFORE)
        db.engine.dispose()
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, path, kind, name) VALUES (1, '/1/', 'commune', 'X')"))
            conn.execute(text(
                "INSERT INTO users (id, username, full_name, password_hash, role, is_full_time, "
                "is_probationary, unit_id, locale, active, created_at) VALUES "
                "(1, 'u', 'U', 'x', 'cadre', false, true, 1, 'vi', true, '2025-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO placements (id, cadre_id, unit_id, start_date, end_date, tasks, closing_report) "
                "VALUES (1, 1, 1, '2025-08-16', '2025-08-22', '[\"Học việc\"]', 'Đã viết trên web'), "
                "(2, 1, 1, '2025-09-16', '2025-09-22', '[]', NULL)"))
        db.engine.dispose()
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT placement_id, text, version FROM placement_reports")).all()
            assert [tuple(r) for r in rows] == [(1, "Đã viết trên web", 1)]
        downgrade(revision=BEFORE)  # and back: the text returns to its column
        db.engine.dispose()
        with db.engine.connect() as conn:
            back = conn.execute(text("SELECT id, closing_report FROM placements ORDER BY id")).all()
            assert [tuple(r) for r in back] == [(1, "Đã viết trên web"), (2, None)]
        upgrade()
