"""Photo bytes in the database (DICOSO_PHOTO_STORE=database): chunks of uploads, finished files

Revision ID: 6c1e3b7d9f42
Revises: 4e8b2f6a9c31
Create Date: 2026-12-07 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c1e3b7d9f42'
down_revision = '4e8b2f6a9c31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'photo_chunks',
        sa.Column('photo_id', sa.Uuid(), nullable=False),
        sa.Column('offset', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_photo_chunks_photo_id_photos'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('photo_id', 'offset', name=op.f('pk_photo_chunks')),
    )
    op.create_table(
        'photo_blobs',
        sa.Column('photo_id', sa.Uuid(), nullable=False),
        sa.Column('variant', sa.String(length=10), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_photo_blobs_photo_id_photos'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('photo_id', 'variant', name=op.f('pk_photo_blobs')),
    )


def downgrade():
    op.drop_table('photo_blobs')
    op.drop_table('photo_chunks')
