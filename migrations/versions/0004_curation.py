"""Verification and review of opportunities: who submitted, when last verified

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:03:44.835706
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_submitted_by_id_user'), 'user', ['submitted_by_id'], ['id'], ondelete='SET NULL')
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_edited_by_id_user'), 'user', ['edited_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_opportunity_state_verified', ['state', 'last_verified_at'], unique=False)
    # Listings published before verification existed count as verified when published.
    op.execute("UPDATE opportunity SET last_verified_at = published_at WHERE last_verified_at IS NULL")



def downgrade():
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_state_verified')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_edited_by_id_user'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_submitted_by_id_user'), type_='foreignkey')
        batch_op.drop_column('submitted_by_id')
        batch_op.drop_column('last_verified_at')

