"""Web sessions remember when they were last used (they end after a period unused)

Revision ID: c3d1a9e4b7f2
Revises: e0d7a2c4c76c
Create Date: 2026-11-28 04:20:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c3d1a9e4b7f2'
down_revision = 'e0d7a2c4c76c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
