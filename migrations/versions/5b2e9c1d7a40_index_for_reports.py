"""a covering index for reports over a period of visits

Revision ID: 5b2e9c1d7a40
Revises: fa2e2f95e9bd
Create Date: 2026-11-28 03:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b2e9c1d7a40'
down_revision = 'fa2e2f95e9bd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_report', ['start_date', 'end_date', 'status', 'cadre_id', 'unit_id',
                                                   'form', 'received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_report')
