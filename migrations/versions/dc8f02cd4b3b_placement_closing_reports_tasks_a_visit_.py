"""placement closing reports (synced from the phone), the placement tasks a visit carries out

The closing report leaves ``placements.closing_report`` for its own table, with the client's id,
a version and when it arrived, like a monthly account; any text already written is kept (version 1).

Revision ID: dc8f02cd4b3b
Revises: 21b12ed97f8d
Create Date: 2026-11-29 09:00:00

"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'dc8f02cd4b3b'
down_revision = '21b12ed97f8d'
branch_labels = None
depends_on = None


def upgrade():
    reports = op.create_table('placement_reports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=100), nullable=True),
    sa.Column('client_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_placement_reports_placement_id_placements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_reports')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_placement_reports_placement_id'))
    )
    conn = op.get_bind()
    now = datetime.now(UTC)
    written = conn.execute(sa.text(
        "SELECT id, closing_report FROM placements WHERE closing_report IS NOT NULL AND closing_report <> ''"
    )).all()
    if written:
        op.bulk_insert(reports, [
            {'id': uuid.uuid4(), 'placement_id': placement_id, 'text': text, 'version': 1,
             'device_id': None, 'client_updated_at': None, 'received_at': now, 'updated_at': now}
            for placement_id, text in written])
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('closing_report')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placement_tasks', sa.JSON(), server_default=sa.text("'[]'"),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('placement_tasks')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closing_report', sa.Text(), nullable=True))
    op.execute(
        "UPDATE placements SET closing_report = (SELECT text FROM placement_reports "
        "WHERE placement_reports.placement_id = placements.id)")
    op.drop_table('placement_reports')
