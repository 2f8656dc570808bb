"""A file added to a published listing waits for a second person

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 23:51:40.499106
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attachment_added_by_id_user'), 'user', ['added_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_attachment_approved_by_id_user'), 'user', ['approved_by_id'], ['id'], ondelete='SET NULL')

    # Files already there were public: they stay so.
    op.execute("UPDATE attachment SET approved_at = created_at")


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachment_approved_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attachment_added_by_id_user'), type_='foreignkey')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('added_by_id')

