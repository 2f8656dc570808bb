"""Search that stems, ranks and knows synonyms; the content version; indexes for every facet

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 03:30:00
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FACETS = {"sector": "sector_id", "country": "country", "zone": "zone_id", "stage": "stage", "kind": "kind", "region": "region"}

def upgrade():
    op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.execute("INSERT INTO content_version (id, version) VALUES (1, 1)")
    op.create_table(
        'search_term',
        sa.Column('term', sa.String(length=60), nullable=False),
        sa.Column('word', sa.String(length=60), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('term', name=op.f('pk_search_term')),
    )
    synonym = op.create_table(
        'synonym',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phrases', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_synonym_updated_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_synonym')),
    )
    # Imported here: the synonyms every portal starts with. The index is built by the app's own
    # analysis, the one queries use, at the end of 0011: the code that builds it writes 0011's table too.
    from portal.catalogue import synonyms

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(synonym, [{"phrases": phrases, "updated_at": now} for phrases in synonyms.DEFAULTS])
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        for facet, name in FACETS.items():
            batch_op.create_index(f'ix_opportunity_state_{facet}', ['state', name], unique=False)

    drop_old_search()
    create_search()


def downgrade():
    drop_search()
    create_old_search()
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        for facet in FACETS:
            batch_op.drop_index(f'ix_opportunity_state_{facet}')
    op.drop_table('synonym')
    op.drop_table('search_term')
    op.drop_table('content_version')


def create_search():
    if op.get_bind().dialect.name == "postgresql":
        def weighted(*fields):
            letters = {"title": "A", "summary": "B", "meta": "C", "body": "D"}
            return " || ".join(f"setweight(to_tsvector('simple', {f}), '{letters[f]}')" for f in fields)

        # head: the same without the bodies, small enough to read for every listing found
        op.execute(
            "CREATE TABLE opportunity_search ("
            " opportunity_id integer PRIMARY KEY,"
            " title text NOT NULL DEFAULT '', summary text NOT NULL DEFAULT '',"
            " body text NOT NULL DEFAULT '', meta text NOT NULL DEFAULT '',"
            f" document tsvector GENERATED ALWAYS AS ({weighted('title', 'summary', 'meta', 'body')}) STORED,"
            f" head tsvector GENERATED ALWAYS AS ({weighted('title', 'summary', 'meta')}) STORED)"
        )
        op.execute("CREATE INDEX ix_opportunity_search_document ON opportunity_search USING gin (document)")
        return
    # The fields hold stems already cut and folded: the tokenizer only splits at spaces.
    op.execute(
        "CREATE VIRTUAL TABLE opportunity_search USING fts5("
        "title, summary, body, meta, tokenize = 'unicode61 remove_diacritics 0')"
    )


def drop_search():
    op.execute("DROP TABLE opportunity_search")


# What 0001 made: a simple, unstemmed search over each text.
_FOLDED = "replace(replace({0}, 'ё', 'е'), 'Ё', 'Е')"
_DOCUMENT = " || ' ' || ".join(_FOLDED.format(f"coalesce({c}, '')") for c in ("title", "summary", "body"))


def drop_old_search():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_opportunity_text_search_vector")
        op.execute("ALTER TABLE opportunity_text DROP COLUMN search_vector")
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER opportunity_text_search_{trigger}")
    op.execute("DROP TABLE opportunity_search")


def create_old_search():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE opportunity_text ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {_DOCUMENT})) STORED"
        )
        op.execute("CREATE INDEX ix_opportunity_text_search_vector ON opportunity_text USING gin (search_vector)")
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
    op.execute(
        "INSERT INTO opportunity_search (rowid, document, opportunity_id) SELECT id, "
        + _DOCUMENT
        + ", opportunity_id FROM opportunity_text"
    )
