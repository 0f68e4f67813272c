"""``flask demo-data`` loads a believable Lạng Sơn data set, and loading it again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from server import create_app
from server.auth.models import User
from server.extensions import db
from server.models import (
    Assignment,
    Direction,
    Hearing,
    HearingCadre,
    Placement,
    PlacementReport,
    Plan,
    ReviewEvent,
    Topic,
    Unit,
    Visit,
)
from server.photos.models import Photo
from tests.conftest import AuthActions

COUNTED = (Unit, User, Topic, Assignment, Placement, Plan, Visit, ReviewEvent, PlacementReport, Hearing,
           HearingCadre, Direction, Photo)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def test_demo_data_loads_twice_without_duplicates(app, runner):
    first = runner.invoke(args=["demo-data", "--force"])
    assert first.exit_code == 0, first.output
    assert "canbo" in first.output and "dicoso-demo" in first.output
    counts = _counts(app)
    second = runner.invoke(args=["demo-data", "--force"])
    assert second.exit_code == 0, second.output
    assert _counts(app) == counts
    assert counts["Unit"] >= 17 and counts["Placement"] == 8 and counts["Visit"] > 200

    with app.app_context():
        names = set(db.session.scalars(select(Unit.name)))
        for ward in ("Tam Thanh", "Lương Văn Tri", "Kỳ Lừa", "Đông Kinh"):
            assert f"Đoàn phường {ward}" in names
        forms = set(db.session.scalars(select(Visit.form).distinct()))
        assert forms == {"survey", "activity", "inspection", "meeting"}
        statuses = set(db.session.scalars(select(Visit.status).distinct()))
        assert statuses == {"submitted", "approved", "returned"}
        assert db.session.scalar(select(Plan.minimum_days)) == 60
        placement_days = db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.placement_id.is_not(None)))
        assert placement_days > 0


def test_demo_shows_placement_tasks_closing_reports_and_a_held_hearing(app, runner):
    from datetime import date

    from server.regime.counting import Counting
    from server.reports.placements import placements_report

    assert runner.invoke(args=["demo-data", "--force"]).exit_code == 0
    with app.app_context():
        province = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.code == "20"))
        year = date.today().year
        rows = [r for y in (year - 1, year) for r in placements_report(
            province, date(y, 1, 1), date(y, 12, 31), Counting.APPROVED_AND_SUBMITTED).rows]
        assert any(r.covered and r.not_covered for r in rows)  # tasks covered and not
        assert sum(1 for r in {r.placement_id: r for r in rows}.values() if r.closing_report) == 3
        [hearing] = db.session.scalars(select(Hearing)).all()
        assert hearing.held_on < date.today() and hearing.month < hearing.held_on
        assert db.session.scalar(select(func.count()).select_from(HearingCadre)) == 3
        directions = db.session.scalars(select(Direction)).all()
        assert sorted(d.state for d in directions) == ["done", "done", "open", "open", "open"]
        overdue = [d for d in directions if d.state == "open" and d.due_date < date.today()]
        assert len(overdue) == 1 and all(d.done_note for d in directions if d.state == "done")


def test_demo_sign_ins_show_vietnamese_pages(app, runner):
    assert runner.invoke(args=["demo-data", "--force"]).exit_code == 0
    for username in ("canbo", "giamsat", "tapsu1"):
        client = app.test_client()
        AuthActions(client).sign_in(username, "dicoso-demo")
        page = client.get("/").get_data(as_text=True)
        assert '<html lang="vi">' in page and "Xin chào" in page, username
    # the demo admin first sets up two-factor sign-in, as every admin must
    client = app.test_client()
    AuthActions(client).sign_in("admin", "dicoso-demo")
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="vi">' in page and "Thiết lập xác thực hai lớp" in page


def test_a_supervisor_sees_the_demo_photos_in_the_queue_and_on_the_visit(app, runner):
    """Invented pictures on visits waiting for review, uploaded through the phone's own path."""
    import re

    assert runner.invoke(args=["demo-data", "--force"]).exit_code == 0
    with app.app_context():
        kept = db.session.scalars(select(Photo)).all()
        assert len(kept) == 12 and all(p.complete and p.width == 1200 for p in kept)
        assert {p.visit.status for p in kept} == {"submitted"}
    client = app.test_client()
    AuthActions(client).sign_in("giamsat", "dicoso-demo")
    queue = client.get("/review/").get_data(as_text=True)
    thumbnails = re.findall(r'src="(/api/v1/photos/[^"]+/thumbnail)"', queue)
    assert len(thumbnails) == 6  # one per visit with photos, all on the first page (the newest)
    answer = client.get(thumbnails[0])
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg" and answer.data[:2] == b"\xff\xd8"


def test_demo_data_refuses_a_server_database_without_force():
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "--force" in result.output


def test_demo_lists_every_account_and_has_supervisors_below_the_province(app, runner):
    from server.auth.models import User
    from server.demo.data import FULL_TIME_CADRES, LOCAL_SUPERVISORS, PROBATIONARY_CADRES, SUPERVISORS

    result = runner.invoke(args=["demo-data", "--force"])
    assert result.exit_code == 0, result.output
    for person in [*SUPERVISORS, *LOCAL_SUPERVISORS, *FULL_TIME_CADRES, *PROBATIONARY_CADRES]:
        assert f" {person[0]} " in result.output, person[0]
    assert "Ctrl+C" in result.output
    assert "two-factor" in result.output  # the admin is told before the set-up page surprises them
    with app.app_context():
        local = db.session.scalar(select(User).where(User.username == LOCAL_SUPERVISORS[0][0]))
        assert local.role == "supervisor" and local.unit.parent_id is not None


def test_each_union_has_a_cadre_whose_visits_wait_for_the_unions_supervisor(app, runner):
    """A ward's supervisor opens the queue and finds their own cadre's visits (docs/review.md:
    review follows the cadre's unit), and the visit list export lists the same people."""
    from datetime import date, timedelta

    from server.demo.data import COMMUNES, LOCAL_SUPERVISORS, UNION_CADRES, WARDS

    assert runner.invoke(args=["demo-data", "--force"]).exit_code == 0
    with app.app_context():
        unions = db.session.scalars(select(Unit).where(Unit.kind.in_(("ward", "commune")))).all()
        assert len(UNION_CADRES) == len(WARDS) + len(COMMUNES) == len(unions)
        people = db.session.scalars(select(User).where(User.username.like("coso%"))).all()
        assert sorted(p.unit_id for p in people) == sorted(u.id for u in unions)  # one inside each
    for username, _, _, code in LOCAL_SUPERVISORS:
        client = app.test_client()
        AuthActions(client).sign_in(username, "dicoso-demo")
        with app.app_context():
            own = db.session.scalar(select(User).join(Unit, Unit.id == User.unit_id)
                                    .where(Unit.code == code, User.username.like("coso%")))
        queue = client.get("/review/").get_data(as_text=True)
        assert own.full_name in queue, username
        first, last = date.today() - timedelta(days=120), date.today()
        data = client.get(f"/reports/visits?first={first}&last={last}&format=csv").get_data()
        cadres = {row.split(",")[3] for row in data.decode("utf-8-sig").splitlines()[1:]}
        assert cadres == {own.full_name}, username
