"""Incentive rules for the estimator; an estimate attached to an enquiry

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 12:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incentive_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('zone_ids', sa.JSON(), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('general_rate', sa.Float(), nullable=False),
    sa.Column('rule_rate', sa.Float(), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('citations', sa.JSON(), server_default='[]', nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_incentive_rule_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_rule')),
    sa.UniqueConstraint('slug', name=op.f('uq_incentive_rule_slug'))
    )
    op.create_table('incentive_rule_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incentive_rule_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('general', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['incentive_rule_id'], ['incentive_rule.id'], name=op.f('fk_incentive_rule_text_incentive_rule_id_incentive_rule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_rule_text')),
    sa.UniqueConstraint('incentive_rule_id', 'lang', name=op.f('uq_incentive_rule_text_incentive_rule_id'))
    )
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estimate', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.drop_column('estimate')
    op.drop_table('incentive_rule_text')
    op.drop_table('incentive_rule')
