"""The search index: one document per published listing, kept in step with every change.

A document has four fields of stems (catalogue.words): the titles, the summaries
and the bodies in every language, and ``meta``, the names of its sector, zone,
country, region and kind in every language, so that "текстиль Киргизия" finds
Kyrgyz textile listings whose texts name neither. The database ranks them:

- SQLite: the FTS5 table ``opportunity_search`` (rowid = the listing's id);
- PostgreSQL: the table ``opportunity_search`` with a weighted ``tsvector``
  column (title A, summary B, meta C, body D) and a GIN index, and
  ``opportunity_search_field``: the title, summary and meta of each listing as
  small vectors of their own (rows too small to be compressed), GIN-indexed, for
  checking where a search's words are without reading the whole document.

The stems are made here, in Python, so both databases hold the same terms.
``search_term`` is the vocabulary: each stem, a word it came from, and how many
listings contain it. A flush that touches a listing, its texts, or the sector
or zone it is in updates its document and the vocabulary in the same
transaction; ``rebuild`` redoes everything (``flask --app portal search reindex``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import bindparam, column, delete, event, select, table, update
from sqlalchemy import text as sql
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portal.catalogue import words
from portal.catalogue.models import (
    OPPORTUNITY_KINDS,
    REGIONS,
    Opportunity,
    OpportunityText,
    SearchTerm,
    Sector,
    SectorText,
    Zone,
    ZoneText,
)

FIELDS = ("title", "summary", "body", "meta")
#: PostgreSQL: the fields with rows of their own in ``opportunity_search_field``, and the number each row has
SEPARATE_FIELDS = {"title": 1, "summary": 2, "meta": 4}
BATCH = 500


def id_column(connection: Connection) -> str:
    return "opportunity_id" if connection.dialect.name == "postgresql" else "rowid"


def search_table(connection: Connection) -> Any:
    return table("opportunity_search", column(id_column(connection)), *(column(name) for name in FIELDS))


@lru_cache(maxsize=4)
def _labels(languages: tuple[str, ...]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(kind of code, code) → its name in each language, as (text, lang)."""
    labels: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for lang in languages:
        with force_locale(lang):
            for kind, vocabulary in (("region", REGIONS), ("kind", OPPORTUNITY_KINDS)):
                for code, name in vocabulary.items():
                    labels.setdefault((kind, code), []).append((str(name), lang))
        for code in ("PK", "KG"):
            labels.setdefault(("country", code), []).append((Locale.parse(lang).territories[code], lang))
    return labels


def _names(connection: Connection, text_model: Any, key: str) -> dict[int, list[tuple[str, str]]]:
    names: dict[int, list[tuple[str, str]]] = {}
    for owner, name, lang in connection.execute(select(getattr(text_model, key), text_model.name, text_model.lang)):
        names.setdefault(owner, []).append((name, lang))
    return names


class _Builder:
    """Turns texts into fields of stems, remembering a word for each new stem."""

    def __init__(self) -> None:
        self.surface: dict[str, str] = {}

    def field(self, texts: Iterable[tuple[str, str]]) -> str:
        out = []
        for text, lang in texts:
            for word in words.words(text or ""):
                term = words.stem(word, lang)
                self.surface.setdefault(term, word)
                out.append(term)
        return " ".join(out)


def documents(connection: Connection, ids: Iterable[int], builder: _Builder) -> dict[int, dict[str, str]]:
    """The document of each published listing among ``ids``."""
    ids = list(ids)
    listings = connection.execute(
        select(
            Opportunity.id,
            Opportunity.sector_id,
            Opportunity.zone_id,
            Opportunity.country,
            Opportunity.region,
            Opportunity.kind,
        ).where(Opportunity.id.in_(ids), Opportunity.state == "published")
    ).all()
    if not listings:
        return {}
    texts: dict[int, list[Any]] = {}
    text_rows = connection.execute(
        select(
            OpportunityText.opportunity_id,
            OpportunityText.lang,
            OpportunityText.title,
            OpportunityText.summary,
            OpportunityText.body,
        ).where(OpportunityText.opportunity_id.in_([row.id for row in listings]))
    )
    for text_row in text_rows:
        texts.setdefault(text_row.opportunity_id, []).append(text_row)
    sectors = _names(connection, SectorText, "sector_id")
    zones = _names(connection, ZoneText, "zone_id")
    labels = _labels(tuple(current_app.config["LANGUAGES"]))
    out = {}
    for row in listings:
        own = texts.get(row.id, [])
        meta = chain(
            sectors.get(row.sector_id, []),
            zones.get(row.zone_id, []) if row.zone_id else [],
            labels.get(("country", row.country), []),
            labels.get(("region", row.region), []),
            labels.get(("kind", row.kind), []),
        )
        out[row.id] = {
            "title": builder.field((t.title, t.lang) for t in own),
            "summary": builder.field((t.summary, t.lang) for t in own),
            "body": builder.field((t.body, t.lang) for t in own),
            "meta": builder.field(meta),
        }
    return out


def _terms(document: dict[str, str] | Any) -> set[str]:
    return set(" ".join(document[name] or "" for name in FIELDS).split())


def update_listings(connection: Connection, ids: Iterable[int]) -> None:
    """Make the documents of listings ``ids`` (published or not, existing or not) what they should be."""
    ids = sorted(set(ids))
    search = search_table(connection)
    key = search.c[id_column(connection)]
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        builder = _Builder()
        fields = [search.c[name] for name in FIELDS]
        old = {row[0]: _terms(row._mapping) for row in connection.execute(select(key, *fields).where(key.in_(batch)))}
        if old:
            connection.execute(delete(search).where(key.in_(list(old))))
        removed: Counter[str] = Counter()
        for terms in old.values():
            removed.update(terms)
        store(connection, documents(connection, batch, builder), builder.surface, removed)


def store(
    connection: Connection,
    new: dict[int, dict[str, str]],
    surface: dict[str, str],
    removed: Counter[str] | None = None,
) -> None:
    """Add the documents ``new`` (listing id → fields) to the index, and count their terms in the vocabulary.

    ``removed`` counts the terms of documents just deleted, to be taken off the vocabulary.
    """
    delta: Counter[str] = Counter()
    for fields in new.values():
        delta.update(_terms(fields))
    delta.subtract(removed or Counter())
    if new:
        connection.execute(
            search_table(connection).insert(),
            [{id_column(connection): listing, **fields} for listing, fields in new.items()],
        )
        if connection.dialect.name == "postgresql":
            rows = [
                {"listing": listing, "field": bit, "stems": fields[name]}
                for listing, fields in new.items()
                for name, bit in SEPARATE_FIELDS.items()
                if fields[name]
            ]
            if rows:
                connection.execute(
                    sql(
                        "INSERT INTO opportunity_search_field (opportunity_id, field, vector) "
                        "VALUES (:listing, :field, to_tsvector('simple', :stems))"
                    ),
                    rows,
                )
    _count(connection, delta, surface)


def _count(connection: Connection, delta: Counter[str], surface: dict[str, str]) -> None:
    """Apply changes in how many listings contain each term to the vocabulary."""
    added = [{"term": t, "word": surface.get(t, t)[:60], "documents": n} for t, n in delta.items() if n > 0]
    removed = [{"t": t, "n": -n} for t, n in delta.items() if n < 0]
    if added:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(SearchTerm)
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=["term"], set_={"documents": SearchTerm.documents + insert.excluded.documents}
            ),
            added,
        )
    if removed:
        connection.execute(
            update(SearchTerm)
            .where(SearchTerm.term == bindparam("t"))
            .values(documents=SearchTerm.documents - bindparam("n"))
            .execution_options(synchronize_session=False),
            removed,
        )
        connection.execute(delete(SearchTerm).where(SearchTerm.documents <= 0))


def rebuild(connection: Connection) -> int:
    """Index every published listing afresh; returns how many were indexed."""
    connection.execute(delete(search_table(connection)))
    connection.execute(delete(SearchTerm))
    ids = list(connection.scalars(select(Opportunity.id).where(Opportunity.state == "published")))
    update_listings(connection, ids)
    return len(ids)


def _touched_listings(session: Session) -> set[int]:
    ids: set[int] = set()
    sectors: set[int] = set()
    zones: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Opportunity):
            ids.add(obj.id)
        elif isinstance(obj, OpportunityText):
            ids.add(obj.opportunity_id)
        elif isinstance(obj, (Sector, SectorText)):
            sectors.add(obj.id if isinstance(obj, Sector) else obj.sector_id)
        elif isinstance(obj, (Zone, ZoneText)):
            zones.add(obj.id if isinstance(obj, Zone) else obj.zone_id)
    if sectors or zones:
        connection = session.connection()
        ids.update(connection.scalars(select(Opportunity.id).where(Opportunity.sector_id.in_(sectors))))
        ids.update(connection.scalars(select(Opportunity.id).where(Opportunity.zone_id.in_(zones))))
    ids.discard(None)  # type: ignore[arg-type,unused-ignore]
    return ids


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, flush_context: Any) -> None:
    ids = _touched_listings(session)
    if ids:
        update_listings(session.connection(), ids)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: the search table is made by hand in the migration (FTS5 or a tsvector), not the models."""
    return not (name or "").startswith(("opportunity_search", "ix_opportunity_search"))
