"""A unit's letterhead: the issuing body (and a second line) and the signer its documents print

Revision ID: 4e8b2f6a9c31
Revises: 9d3f6a1c2e85
Create Date: 2026-12-12 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e8b2f6a9c31'
down_revision = '9d3f6a1c2e85'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_letterheads',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('issuing_body', sa.String(length=200), nullable=True),
        sa.Column('issuing_office', sa.String(length=200), nullable=True),
        sa.Column('signer_title', sa.String(length=50), nullable=True),
        sa.Column('signer_name', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_letterheads_unit_id_units'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_letterheads')),
    )


def downgrade():
    op.drop_table('unit_letterheads')
