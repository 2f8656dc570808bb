"""The officer's contact shown to investors, with consent; whether each translated text is verified

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 13:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

#: every table of texts per language (core.translated.TextMixin)
TEXT_TABLES = (
    'agency_text',
    'sector_text',
    'zone_text',
    'opportunity_text',
    'agreement_text',
    'trade_figure_text',
    'guide_text',
    'incentive_rule_text',
)


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_title', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_consent_at', sa.DateTime(), nullable=True))
    for table in TEXT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('verified', sa.Boolean(), server_default=sa.false(), nullable=False))
        # The English texts are the ones the agencies wrote; the others start as drafts to verify.
        op.execute(sa.text(f"UPDATE {table} SET verified = :yes WHERE lang = 'en'").bindparams(yes=True))


def downgrade():
    for table in TEXT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('verified')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('contact_consent_at')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('job_title')
