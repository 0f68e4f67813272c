"""Device tokens know the web session that issued them; tokens and sessions keep the user agent

Its sign-out revokes the tokens a web session issued; the user agent is shown on "My devices".

Revision ID: 9d3f6a1c2e85
Revises: c4a7e19b2d53
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d3f6a1c2e85'
down_revision = 'c4a7e19b2d53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('web_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_device_tokens_web_session_id'), ['web_session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_device_tokens_web_session_id_web_sessions'),
                                    'web_sessions', ['web_session_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_column('user_agent')
    with op.batch_alter_table('device_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_device_tokens_web_session_id_web_sessions'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_device_tokens_web_session_id'))
        batch_op.drop_column('user_agent')
        batch_op.drop_column('web_session_id')
