"""Facts with sources: sources, citations and "as of" dates; zone status and land terms; agency contacts;
the corridor's agreements and trade figures; the guides to investing

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 08:49:51
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sector_ids', sa.JSON(), nullable=False),
    sa.Column('opportunity_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('citations', sa.JSON(), server_default='[]', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('slug', name=op.f('uq_agreement_slug'))
    )
    op.create_table('guide',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('citations', sa.JSON(), server_default='[]', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide')),
    sa.UniqueConstraint('country', name=op.f('uq_guide_country'))
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('consulted_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('key', name=op.f('uq_source_key'))
    )
    op.create_table('trade_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value_usd', sa.BigInteger(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('citations', sa.JSON(), server_default='[]', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_figure')),
    sa.UniqueConstraint('slug', name=op.f('uq_trade_figure_slug'))
    )
    op.create_table('agreement_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('parties', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_text_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_text')),
    sa.UniqueConstraint('agreement_id', 'lang', name=op.f('uq_agreement_text_agreement_id'))
    )
    op.create_table('guide_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('company', sa.Text(), nullable=False),
    sa.Column('visas', sa.Text(), nullable=False),
    sa.Column('land', sa.Text(), nullable=False),
    sa.Column('repatriation', sa.Text(), nullable=False),
    sa.Column('aftercare', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], name=op.f('fk_guide_text_guide_id_guide'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_text')),
    sa.UniqueConstraint('guide_id', 'lang', name=op.f('uq_guide_text_guide_id'))
    )
    op.create_table('trade_figure_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trade_figure_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['trade_figure_id'], ['trade_figure.id'], name=op.f('fk_trade_figure_text_trade_figure_id_trade_figure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_figure_text')),
    sa.UniqueConstraint('trade_figure_id', 'lang', name=op.f('uq_trade_figure_text_trade_figure_id'))
    )
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('citations', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('agency_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citations', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citations', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='operational', nullable=False))
        batch_op.add_column(sa.Column('citations', sa.JSON(), server_default='[]', nullable=False))

    with op.batch_alter_table('zone_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('land', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('zone_text', schema=None) as batch_op:
        batch_op.drop_column('land')

    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.drop_column('citations')
        batch_op.drop_column('status')

    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.drop_column('citations')

    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_column('citations')

    with op.batch_alter_table('agency_text', schema=None) as batch_op:
        batch_op.drop_column('address')

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('citations')
        batch_op.drop_column('phone')

    op.drop_table('trade_figure_text')
    op.drop_table('guide_text')
    op.drop_table('agreement_text')
    op.drop_table('trade_figure')
    op.drop_table('source')
    op.drop_table('guide')
    op.drop_table('agreement')
