"""cadre_days says what the visits say after every kind of write: a push, an edit that moves the
dates, an approval, a return, a reopening, a second cadre's visits on the same days; and the
migration's backfill writes the same rows as the write path."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.review.services import reopen
from server.visits.days import CadreDay, covered_days, rebuild
from server.visits.models import Visit, VisitStatus
from tests.api.support import issue_token, push, wire_visit
from tests.factories import make_visit, review_visit

#: the revision before the one that made cadre_days
BEFORE = "8e3a5f9b1c64"


def kept() -> set[tuple[int, date, bool]]:
    return {(r.cadre_id, r.day, r.approved) for r in db.session.scalars(select(CadreDay))}


def from_visits() -> set[tuple[int, date, bool]]:
    """The rows the rule gives for the visits stored now, each cadre on its own."""
    by_cadre: dict[int, list] = {}
    for visit in db.session.scalars(select(Visit)):
        by_cadre.setdefault(visit.cadre_id, []).append((visit.start_date, visit.end_date, visit.status))
    return {(cadre, day, approved) for cadre, visits in by_cadre.items()
            for day, approved in covered_days(visits).items()}


def test_the_rule_counts_each_day_once_and_never_a_returned_visit():
    visits = [(date(2025, 3, 3), date(2025, 3, 5), VisitStatus.SUBMITTED),
              (date(2025, 3, 5), date(2025, 3, 6), VisitStatus.APPROVED),
              (date(2025, 3, 10), date(2025, 3, 12), VisitStatus.RETURNED)]
    assert covered_days(visits) == {date(2025, 3, 3): False, date(2025, 3, 4): False,
                                    date(2025, 3, 5): True, date(2025, 3, 6): True}
    assert covered_days(visits, first=date(2025, 3, 4), last=date(2025, 3, 5)) == {
        date(2025, 3, 4): False, date(2025, 3, 5): True}


def test_every_write_keeps_the_days_in_step(app, client, world):
    token = issue_token(client, "cadre")
    start = date.today() - timedelta(days=20)
    first = wire_visit(world.commune_a1, start_date=start.isoformat(),
                       end_date=(start + timedelta(days=2)).isoformat())
    second = wire_visit(world.commune_a1, start_date=(start + timedelta(days=2)).isoformat(),
                        end_date=(start + timedelta(days=3)).isoformat())
    assert push(client, token, [first, second]).status_code == 200
    with app.app_context():
        assert kept() == from_visits()
        assert {day for _, day, _ in kept()} == {start + timedelta(days=n) for n in range(4)}

    # moved three days later by the cadre: the old first days are gone, the new ones are there
    moved = {**first, "base_version": 1, "start_date": (start + timedelta(days=5)).isoformat(),
             "end_date": (start + timedelta(days=6)).isoformat()}
    assert push(client, token, [moved]).get_json()["results"][0]["status"] == "updated"
    with app.app_context():
        assert kept() == from_visits()
        assert (world.cadre, start, False) not in kept()
        assert (world.cadre, start + timedelta(days=6), False) in kept()

        review_visit(second["id"], world.supervisor, VisitStatus.APPROVED)
        assert (world.cadre, start + timedelta(days=3), True) in kept()
        review_visit(moved["id"], world.supervisor, VisitStatus.RETURNED, comment="Bổ sung")
        assert kept() == from_visits()
        assert not any(day == start + timedelta(days=5) for _, day, _ in kept())

        stored = db.session.get(Visit, uuid.UUID(second["id"]))
        reopen(stored.id, db.session.get(User, world.supervisor), "Xem lại", expected_version=stored.version)
        assert (world.cadre, start + timedelta(days=3), False) in kept()

        # another cadre on the same days has rows of their own
        make_visit(world.other_cadre, world.commune_a2, start + timedelta(days=2), days=2,
                   status=VisitStatus.APPROVED)
        assert kept() == from_visits()
        assert (world.other_cadre, start + timedelta(days=2), True) in kept()
        db.session.commit()


def test_rebuild_and_the_migration_write_what_the_write_path_wrote(app, world):
    with app.app_context():
        make_visit(world.cadre, world.commune_a1, date(2025, 12, 30), days=4, status=VisitStatus.APPROVED)
        make_visit(world.cadre, world.commune_a1, date(2026, 1, 1), days=3)
        make_visit(world.cadre, world.commune_a2, date(2025, 6, 2), days=2, status=VisitStatus.RETURNED)
        make_visit(world.other_cadre, world.commune_a2, date(2024, 2, 28), days=3)
        db.session.commit()
        written = kept()
        assert written == from_visits() and len(written) == 4 + 1 + 3

        assert rebuild() == len(written)
        assert kept() == written
        db.session.commit()

        downgrade(revision=BEFORE)
        db.engine.dispose()
        upgrade()
        db.session.remove()
        assert kept() == written


def test_a_batch_that_changes_one_visit_twice_leaves_no_day_of_the_middle_copy(app, world):
    from server.visits import store

    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, date(2025, 1, 6), days=2)
        # another visit, approved, shares a day with the new one's final dates
        make_visit(world.cadre, world.commune_a1, date(2025, 5, 6), days=1, status=VisitStatus.APPROVED)
        store.take_change_lock()
        before = store.snapshots([visit.id])[visit.id]
        march = {**before, "start_date": date(2025, 3, 3), "end_date": date(2025, 3, 4),
                 "version": before["version"] + 1}
        may = {**march, "start_date": date(2025, 5, 5), "end_date": date(2025, 5, 7),
               "version": march["version"] + 1}
        store.write_visits([store.Change(before, march, "visit_updated"),
                            store.Change(dict(march), may, "visit_updated")], world.cadre)
        assert kept() == from_visits() == {(world.cadre, date(2025, 5, 5), False),
                                           (world.cadre, date(2025, 5, 6), True),
                                           (world.cadre, date(2025, 5, 7), False)}
