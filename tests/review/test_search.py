"""The queue's search reads an index (server/review/search.py, migration 8e3a5f9b1c64): PostgreSQL's
trigram index, SQLite's FTS5 table kept in step with every write; a search needs a word of three
letters or more; and on SQLite the plan starts from the few matching visits instead of probing an
index once per cadre and match (seconds at a million visits, docs/benchmarks.md)."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select, text, update

from server.auth.models import User
from server.extensions import db
from server.review import search
from server.review.queue import QueueFilter, _filtered
from server.visits.models import Visit
from server.visits.search import search_text
from tests.conftest import ON_POSTGRES
from tests.factories import make_visit


def _ids(client, **args) -> list[str]:
    response = client.get("/review/", query_string={"status": "", **args})
    assert response.status_code == 200
    return re.findall(r'<li data-id="([0-9a-f-]{36})"', response.get_data(as_text=True))


def _visits(app, world) -> tuple[str, str]:
    with app.app_context():
        tea = make_visit(world.cadre, world.commune_a1, summary="Họp chi đoàn về trà xanh",
                         findings="Đi xã A1")
        rice = make_visit(world.other_cadre, world.commune_a2, summary="Kiểm tra mô hình lúa")
        db.session.commit()
        return str(tea.id), str(rice.id)


def test_every_word_is_found_without_diacritics_short_words_narrowing(app, client, auth, world):
    tea, rice = _visits(app, world)
    auth.sign_in("sup")
    assert _ids(client, q="TRÀ xanh") == [tea]
    assert _ids(client, q="kiem") == [rice]
    assert _ids(client, q="chi doan") == [tea]  # "chi" is three letters: looked up too
    assert _ids(client, q="hop xa") == [tea]  # "xa" narrows what "hop" found
    assert _ids(client, q="lua xa") == []
    assert _ids(client, q="zzqxj") == []


def test_a_search_without_a_word_of_three_letters_is_refused_with_a_message(app, client, auth, world):
    tea, rice = _visits(app, world)
    auth.sign_in("sup")
    response = client.get("/review/", query_string={"status": "", "q": "xa di"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hãy gõ một từ có từ ba chữ cái trở lên." in page
    # the rest of the filter still applies: the queue is not emptied by a search it cannot make
    assert set(re.findall(r'<li data-id="([0-9a-f-]{36})"', page)) == {tea, rice}


def test_the_index_follows_every_change_of_a_visits_texts(app, client, auth, world):
    tea, rice = _visits(app, world)
    with app.app_context():
        row = db.session.get(Visit, uuid.UUID(tea))
        row.summary = "Họp bàn về cà phê"
        row.search_text = search_text({"summary": row.summary, "findings": row.findings,
                                       "recommendations": row.recommendations})
        db.session.commit()
        # search_text is kept plain (server/visits/search.py)
        plain_words = update(Visit).where(Visit.id == uuid.UUID(rice)).values(search_text="khong con gi")
        db.session.execute(plain_words)
        db.session.commit()
    auth.sign_in("sup")
    assert _ids(client, q="tra xanh") == []
    assert _ids(client, q="ca phe") == [tea]
    assert _ids(client, q="lua") == [] and _ids(client, q="khong con") == [rice]
    with app.app_context():
        db.session.execute(text("DELETE FROM visits WHERE search_text = 'khong con gi'"))
        db.session.commit()
    assert _ids(client, q="khong con") == []
    if not ON_POSTGRES:
        with app.app_context():
            # the search table forgot it too (an FTS5 table answers from its own copy of the words)
            left = "SELECT count(*) FROM visits_fts WHERE visits_fts MATCH 'khong'"
            assert db.session.scalar(text(left)) == 0


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's search table and planner")
def test_few_or_many_matches_give_the_same_visits(app, client, auth, world, monkeypatch):
    tea, _ = _visits(app, world)
    auth.sign_in("sup")
    few = _ids(client, q="chi doan")
    monkeypatch.setattr(search, "FEW", 0)  # every search has "many" matches
    assert _ids(client, q="chi doan") == few == [tea]
    assert _ids(client, q="zzqxj") == []


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's planner is the one that needs steering")
def test_on_sqlite_a_rare_words_visits_are_read_by_rowid(app, world):
    _visits(app, world)
    with app.app_context():
        reviewer = db.session.get(User, world.supervisor)
        for ordered in (True, False):
            query = _filtered(reviewer, QueueFilter(status="approved", text="zzqxj"), Visit.id, ordered)
            sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(row[3] for row in db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + sql))
            assert "USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
            assert "ix_visits_status_cadre" not in plan, plan


@pytest.mark.skipif(not ON_POSTGRES, reason="the trigram index is PostgreSQL's")
def test_postgresql_has_the_trigram_index(app):
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(text("pg_indexes")).where(
            text("indexname = 'ix_visits_search_trgm' AND indexdef LIKE '%gin_trgm_ops%'")))
        assert found == 1
