"""the report index carries reported_late instead of received_at

The regime's figures (server/regime/days.py) read ``reported_late`` for each counted visit since
lateness is decided once on receipt; ``received_at`` is no longer read by any report. With the
flag in the index, the figures of a province's year are an index-only read again (PostgreSQL:
Index Only Scan instead of a parallel scan of the whole table; SQLite: COVERING INDEX).

Revision ID: c4a7e19b2d53
Revises: b8e41f0c2d17
Create Date: 2026-12-07 06:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4a7e19b2d53'
down_revision = 'b8e41f0c2d17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_report')
        batch_op.create_index('ix_visits_report', ['start_date', 'end_date', 'status', 'cadre_id', 'unit_id',
                                                   'form', 'reported_late'], unique=False)


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_report')
        batch_op.create_index('ix_visits_report', ['start_date', 'end_date', 'status', 'cadre_id', 'unit_id',
                                                   'form', 'received_at'], unique=False)
