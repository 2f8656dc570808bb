"""Finding published opportunities: filters, facet counts and full-text search.

Full-text search runs in the database: an FTS5 table on SQLite, a ``tsvector``
column with a GIN index on PostgreSQL. ``matching_ids`` hides the difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, cast, column, func, literal, literal_column, select, table, text, union_all
from sqlalchemy.orm import joinedload

from portal.agencies.models import COUNTRIES
from portal.catalogue.models import STAGES, Opportunity, OpportunityText, Sector, Zone
from portal.core.extensions import db
from portal.core.pagination import Page, page_number, paginate
from portal.core.vocabulary import Vocabulary

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_USD = 10**12
FACETS = ("sector", "country", "zone", "stage")
SORTS = Vocabulary(
    featured=_l("Featured first"),
    newest=_l("Newest first"),
    amount_asc=_l("Smallest investment first"),
    amount_desc=_l("Largest investment first"),
)

_WORD = re.compile(r"[^\W_]+")


def normalise(value: str) -> str:
    """Fold what the database's tokenisers would not: case and ё/е."""
    return value.lower().replace("ё", "е")


def search_terms(query: str) -> list[str]:
    """The words of a user's query, bounded in length and number, safe to quote."""
    return _WORD.findall(normalise(query[:MAX_QUERY_LENGTH]))[:MAX_TERMS]


def matching_ids(query: str) -> Select | None:
    """A SELECT of ids of opportunities whose texts, in any language, contain every word.

    Each word matches as a prefix ("textil" finds "textiles"). Returns ``None``
    when the query has no words.
    """
    terms = search_terms(query)
    if not terms:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return select(OpportunityText.opportunity_id).where(
            literal_column("opportunity_text.search_vector").op("@@")(func.to_tsquery("simple", tsquery))
        )
    fts = table("opportunity_search", column("opportunity_id"))
    match = " ".join(f'"{term}"*' for term in terms)
    return select(fts.c.opportunity_id).where(text("opportunity_search MATCH :match").bindparams(match=match))


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for, already validated: unknown values are dropped."""

    q: str = ""
    sector: str | None = None
    country: str | None = None
    zone: str | None = None
    stage: str | None = None
    min_usd: int | None = None
    max_usd: int | None = None
    sort: str = "featured"
    page: int = 1
    #: ids resolved from the sector and zone slugs
    sector_id: int | None = field(default=None, compare=False)
    zone_id: int | None = field(default=None, compare=False)

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.sector,
                self.country,
                self.zone,
                self.stage,
                self.min_usd is not None,
                self.max_usd is not None,
            )
        )

    def conditions(self, exclude: str | None = None) -> list[Any]:
        """WHERE clauses for these filters, leaving out facet ``exclude``."""
        where = [Opportunity.state == "published"]
        if self.sector_id is not None and exclude != "sector":
            where.append(Opportunity.sector_id == self.sector_id)
        if self.country and exclude != "country":
            where.append(Opportunity.country == self.country.upper())
        if self.zone_id is not None and exclude != "zone":
            where.append(Opportunity.zone_id == self.zone_id)
        if self.stage and exclude != "stage":
            where.append(Opportunity.stage == self.stage)
        # An opportunity matches a budget when its range overlaps it.
        if self.min_usd is not None:
            where.append(func.coalesce(Opportunity.max_usd, Opportunity.min_usd) >= self.min_usd)
        if self.max_usd is not None:
            where.append(func.coalesce(Opportunity.min_usd, Opportunity.max_usd) <= self.max_usd)
        if self.q:
            ids = matching_ids(self.q)
            if ids is not None:
                where.append(Opportunity.id.in_(ids))
        return where

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a link to these filters with ``changes`` applied."""
        values = replace(self, **changes) if changes else self
        out = {}
        for name in ("q", "sector", "country", "zone", "stage", "min_usd", "max_usd"):
            value = getattr(values, name)
            if value not in (None, ""):
                out[name] = value
        if values.sort != "featured":
            out["sort"] = values.sort
        if values.page != 1:
            out["page"] = values.page
        return out


def _whole_number(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip().replace(",", "").replace("_", "")
    if not value.isascii() or not value.isdigit() or len(value) > 13:
        return None
    return min(int(value), MAX_USD)


def parse_filters(args: Any, sectors: dict[str, Sector], zones: dict[str, Zone]) -> Filters:
    """Turn query-string ``args`` into Filters, ignoring what is malformed or unknown."""

    def one(name: str) -> str | None:
        value = args.get(name, type=str)
        return value.strip()[:MAX_QUERY_LENGTH] if value else None

    sector = sectors.get(one("sector") or "")
    zone = zones.get(one("zone") or "")
    country = (one("country") or "").upper()
    stage = one("stage")
    sort = one("sort")
    page = page_number(one("page"))
    min_usd, max_usd = _whole_number(one("min_usd")), _whole_number(one("max_usd"))
    if min_usd is not None and max_usd is not None and min_usd > max_usd:
        min_usd, max_usd = max_usd, min_usd
    return Filters(
        q=(one("q") or "")[:MAX_QUERY_LENGTH],
        sector=sector.slug if sector else None,
        sector_id=sector.id if sector else None,
        country=country.lower() if country in COUNTRIES else None,
        zone=zone.slug if zone else None,
        zone_id=zone.id if zone else None,
        stage=stage if stage in STAGES else None,
        min_usd=min_usd,
        max_usd=max_usd,
        sort=sort if sort is not None and sort in SORTS else "featured",
        page=page,
    )


def _ordering(sort: str) -> list[Any]:
    newest = [Opportunity.published_at.desc(), Opportunity.id.desc()]
    if sort == "newest":
        return newest
    if sort == "amount_asc":
        return [Opportunity.min_usd.asc().nulls_last(), Opportunity.id.asc()]
    if sort == "amount_desc":
        return [Opportunity.max_usd.desc().nulls_last(), Opportunity.id.desc()]
    return [Opportunity.featured.desc(), *newest]


def _texts_in(lang: str) -> Any:
    return Opportunity.texts.and_(OpportunityText.lang.in_({lang, "en"}))


def with_texts(statement: Select, lang: str) -> Select:
    """Load each opportunity's text in ``lang`` and in English in the same statement."""
    return statement.options(joinedload(_texts_in(lang)))


def find(filters: Filters, lang: str, per_page: int) -> Page:
    """One page of published opportunities matching ``filters``; a 404 past the last page."""
    statement = select(Opportunity).where(*filters.conditions()).order_by(*_ordering(filters.sort))
    return paginate(statement, filters.page, per_page, joinedload(_texts_in(lang)))


def facet_counts(filters: Filters) -> dict[str, dict[str, int]]:
    """For each facet, how many opportunities each value would give, the other filters applied.

    One statement for all facets: a UNION ALL of one GROUP BY per facet.
    """
    columns = {
        "sector": Opportunity.sector_id,
        "country": Opportunity.country,
        "zone": Opportunity.zone_id,
        "stage": Opportunity.stage,
    }
    parts = [
        select(
            literal(facet, String).label("facet"),
            cast(columns[facet], String).label("value"),
            func.count().label("n"),
        )
        .where(*filters.conditions(exclude=facet))
        .group_by(columns[facet])
        for facet in FACETS
    ]
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for facet, value, n in db.session.execute(union_all(*parts)):
        if value is not None:
            counts[facet][value] = n
    return counts


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: the search structures are made by hand in the migration, not the models."""
    if (type_ == "table" and name == "opportunity_search") or (name or "").startswith("opportunity_search_"):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name == "ix_opportunity_text_search_vector")
