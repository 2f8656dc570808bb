"""PostgreSQL search: each listing's title, summary and names as small vectors of their own

The concept a search asks for is checked against each field of every listing it
matches. With the fields in one compressed vector per listing (``head``), each check
read and decompressed it: 0.3-0.6 s per concept for a common word at 100,000
listings. Rows of one field each stay small and uncompressed, and a GIN index finds
them; ``head`` goes. SQLite's FTS5 table knows its columns already: nothing changes there.

Then the index is built, on both databases, by the app's own analysis (0010 made its tables).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 06:40:00
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        create_fields()
    from portal.catalogue import index

    index.rebuild(op.get_bind())


def create_fields():
    op.execute(
        "CREATE TABLE opportunity_search_field ("
        " opportunity_id integer NOT NULL REFERENCES opportunity_search (opportunity_id) ON DELETE CASCADE,"
        # 1 the title, 2 the summary, 4 the names: its bit in the search's flags (catalogue.index)
        " field smallint NOT NULL,"
        " vector tsvector NOT NULL,"
        " PRIMARY KEY (opportunity_id, field))"
    )
    op.execute("CREATE INDEX ix_opportunity_search_field_vector ON opportunity_search_field USING gin (vector)")
    op.execute("ALTER TABLE opportunity_search DROP COLUMN head")
    # The texts of stems and the document out of the table's own rows (TOAST), which stay ~40 bytes:
    # finding which listings a word matches visits 1,400 pages instead of 28,000 at 100,000 listings.
    op.execute("ALTER TABLE opportunity_search SET (toast_tuple_target = 128)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    letters = {"title": "A", "summary": "B", "meta": "C"}
    weighted = " || ".join(f"setweight(to_tsvector('simple', {f}), '{letters[f]}')" for f in letters)
    op.execute("ALTER TABLE opportunity_search RESET (toast_tuple_target)")
    op.execute(f"ALTER TABLE opportunity_search ADD COLUMN head tsvector GENERATED ALWAYS AS ({weighted}) STORED")
    op.execute("DROP TABLE opportunity_search_field")
