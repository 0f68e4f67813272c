"""the review queue's rare filters and its search read an index, not the table

Partial indexes, on both databases, hold only the visits a rare filter asks for (reported late:
about 5 % of visits; of a placement: fewer), two for each: by status and cadre (the counts, a page of
one status) and in the queue's order (a page of any status), so "late reports only" and "placement
visits only" read those entries alone. On PostgreSQL a trigram index (pg_trgm, a trusted extension the database owner may create)
serves the search's ``search_text LIKE '%word%'``, so a search that matches nothing no longer reads
every visit in scope. On SQLite an FTS5 table with the trigram tokenizer (SQLite 3.34 or newer)
indexes the same column, kept in step by triggers; the queue asks it for the visits holding each
word (server/review/search.py). Neither is declared on a model (each exists on one database only):
``server.db.DIALECT_ONLY`` names them for the schema comparison.

The FTS5 table points at ``visits`` by rowid. SQLite keeps a table's rowids through inserts,
updates and deletes, but a VACUUM or a migration that rebuilds ``visits`` (batch mode) may renumber
them: such a migration must end with ``INSERT INTO visits_fts(visits_fts) VALUES('rebuild')``
(``rebuild_search_index`` below).

Revision ID: 8e3a5f9b1c64
Revises: 7d2f4c8e0a53
Create Date: 2026-12-07 17:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '8e3a5f9b1c64'
down_revision = '7d2f4c8e0a53'
branch_labels = None
depends_on = None

LATE = sa.text("reported_late")
PLACEMENT = sa.text("placement_id IS NOT NULL")
COLUMNS = ['status', 'cadre_id', 'received_at', 'id']
ORDER = ['received_at', 'id']


SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE visits_fts USING fts5(search_text, content='visits', content_rowid='rowid',"
    " tokenize='trigram')",
    "CREATE TRIGGER visits_fts_insert AFTER INSERT ON visits BEGIN"
    " INSERT INTO visits_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
    "CREATE TRIGGER visits_fts_delete AFTER DELETE ON visits BEGIN"
    " INSERT INTO visits_fts(visits_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END",
    "CREATE TRIGGER visits_fts_update AFTER UPDATE OF search_text ON visits BEGIN"
    " INSERT INTO visits_fts(visits_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);"
    " INSERT INTO visits_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END",
]


def sqlite_has_trigram(bind) -> bool:
    """FTS5's trigram tokenizer came with SQLite 3.34; without it the search reads the table."""
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
    except sa.exc.OperationalError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.trigram_probe")
    return True


def rebuild_search_index() -> None:
    """Re-read every visit into the SQLite search index (after anything that renumbers rowids)."""
    op.execute("INSERT INTO visits_fts(visits_fts) VALUES ('rebuild')")


def upgrade():
    op.create_index('ix_visits_late', 'visits', COLUMNS, sqlite_where=LATE, postgresql_where=LATE)
    op.create_index('ix_visits_placement_received', 'visits', COLUMNS, sqlite_where=PLACEMENT,
                    postgresql_where=PLACEMENT)
    op.create_index('ix_visits_late_in_order', 'visits', ORDER, sqlite_where=LATE, postgresql_where=LATE)
    op.create_index('ix_visits_placement_in_order', 'visits', ORDER, sqlite_where=PLACEMENT,
                    postgresql_where=PLACEMENT)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX ix_visits_search_trgm ON visits USING gin (search_text gin_trgm_ops)')
    elif bind.dialect.name == 'sqlite' and sqlite_has_trigram(bind):
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        rebuild_search_index()


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_visits_search_trgm')
    elif bind.dialect.name == 'sqlite':
        for trigger in ('visits_fts_insert', 'visits_fts_delete', 'visits_fts_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
        op.execute('DROP TABLE IF EXISTS visits_fts')
    op.drop_index('ix_visits_placement_in_order', table_name='visits')
    op.drop_index('ix_visits_late_in_order', table_name='visits')
    op.drop_index('ix_visits_placement_received', table_name='visits')
    op.drop_index('ix_visits_late', table_name='visits')
