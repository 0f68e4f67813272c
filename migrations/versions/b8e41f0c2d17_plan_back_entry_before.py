"""plans.back_entry_before: visits ending before it were back-entered, not late

Revision ID: b8e41f0c2d17
Revises: 3df4996f0aa6
Create Date: 2026-12-07 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e41f0c2d17'
down_revision = '3df4996f0aa6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('back_entry_before', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('back_entry_before')
