"""The catalogue: agencies, sectors, zones, opportunities, their texts, and search.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 02:55:04.870213
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('enquiry_email', sa.String(length=300), nullable=False),
    sa.Column('reply_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('code', name=op.f('uq_agency_code'))
    )
    op.create_table('sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector')),
    sa.UniqueConstraint('slug', name=op.f('uq_sector_slug'))
    )
    op.create_table('agency_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_text_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_text')),
    sa.UniqueConstraint('agency_id', 'lang', name=op.f('uq_agency_text_agency_id'))
    )
    op.create_table('sector_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_sector_text_sector_id_sector'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector_text')),
    sa.UniqueConstraint('sector_id', 'lang', name=op.f('uq_sector_text_sector_id'))
    )
    op.create_table('zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('area_ha', sa.Integer(), nullable=True),
    sa.Column('established', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_zone_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone')),
    sa.UniqueConstraint('slug', name=op.f('uq_zone_slug'))
    )
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zone_country'), ['country'], unique=False)

    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('min_usd', sa.BigInteger(), nullable=True),
    sa.Column('max_usd', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('featured', sa.Boolean(), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_opportunity_agency_id_agency')),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_opportunity_sector_id_sector')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_opportunity_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity')),
    sa.UniqueConstraint('slug', name=op.f('uq_opportunity_slug'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_sector_id'), ['sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_stage'), ['stage'], unique=False)
        batch_op.create_index('ix_opportunity_state_featured', ['state', 'featured', 'published_at'], unique=False)
        batch_op.create_index('ix_opportunity_state_max_usd', ['state', 'max_usd'], unique=False)
        batch_op.create_index('ix_opportunity_state_min_usd', ['state', 'min_usd'], unique=False)
        batch_op.create_index('ix_opportunity_state_published_at', ['state', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_zone_id'), ['zone_id'], unique=False)

    op.create_table('zone_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('incentives', sa.Text(), nullable=False),
    sa.Column('utilities', sa.Text(), nullable=False),
    sa.Column('tax_regime', sa.Text(), nullable=False),
    sa.Column('operator', sa.String(length=300), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_zone_text_zone_id_zone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone_text')),
    sa.UniqueConstraint('zone_id', 'lang', name=op.f('uq_zone_text_zone_id'))
    )
    op.create_table('opportunity_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_text_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_text')),
    sa.UniqueConstraint('opportunity_id', 'lang', name=op.f('uq_opportunity_text_opportunity_id'))
    )
    create_search()


def downgrade():
    drop_search()
    op.drop_table('opportunity_text')
    op.drop_table('zone_text')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_zone_id'))
        batch_op.drop_index('ix_opportunity_state_published_at')
        batch_op.drop_index('ix_opportunity_state_min_usd')
        batch_op.drop_index('ix_opportunity_state_max_usd')
        batch_op.drop_index('ix_opportunity_state_featured')
        batch_op.drop_index(batch_op.f('ix_opportunity_stage'))
        batch_op.drop_index(batch_op.f('ix_opportunity_sector_id'))
        batch_op.drop_index(batch_op.f('ix_opportunity_country'))
        batch_op.drop_index(batch_op.f('ix_opportunity_agency_id'))

    op.drop_table('opportunity')
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zone_country'))

    op.drop_table('zone')
    op.drop_table('sector_text')
    op.drop_table('agency_text')
    op.drop_table('sector')
    op.drop_table('agency')


# Full-text search over opportunity texts in every language. "simple"/unicode61
# tokenise without stemming, which suits four languages at once; ё is folded to е
# here and in queries (catalogue/search.py), which neither tokeniser does.
_FOLDED = "replace(replace({0}, 'ё', 'е'), 'Ё', 'Е')"
_DOCUMENT = " || ' ' || ".join(_FOLDED.format(f"coalesce({c}, '')") for c in ("title", "summary", "body"))


def create_search():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE opportunity_text ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {_DOCUMENT})) STORED"
        )
        op.execute(
            "CREATE INDEX ix_opportunity_text_search_vector ON opportunity_text USING gin (search_vector)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE opportunity_search USING fts5("
        "document, opportunity_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
    )
    insert = (
        "INSERT INTO opportunity_search (rowid, document, opportunity_id) VALUES (new.id, "
        + _DOCUMENT.replace("coalesce(", "coalesce(new.")
        + ", new.opportunity_id);"
    )
    delete = "DELETE FROM opportunity_search WHERE rowid = old.id;"
    op.execute(f"CREATE TRIGGER opportunity_text_search_insert AFTER INSERT ON opportunity_text BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER opportunity_text_search_update AFTER UPDATE ON opportunity_text BEGIN {delete} {insert} END")
    op.execute(f"CREATE TRIGGER opportunity_text_search_delete AFTER DELETE ON opportunity_text BEGIN {delete} END")


def drop_search():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_opportunity_text_search_vector")
        op.execute("ALTER TABLE opportunity_text DROP COLUMN search_vector")
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER opportunity_text_search_{trigger}")
    op.execute("DROP TABLE opportunity_search")
