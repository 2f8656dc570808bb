"""Finding published opportunities: filters, facet counts and full-text search.

The words of ``q`` become concepts (catalogue.query); the index (catalogue.index)
is an FTS5 table on SQLite and a weighted ``tsvector`` on PostgreSQL. ``hits``
hides the difference: listings meeting any concept, with how many they meet and
the database's relevance score.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Integer,
    Select,
    String,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import joinedload

from portal.agencies.models import COUNTRIES
from portal.catalogue import query as understanding
from portal.catalogue.models import OPPORTUNITY_KINDS, REGIONS, STAGES, Opportunity, OpportunityText, Sector, Zone
from portal.core.extensions import db
from portal.core.freshness import PerVersion
from portal.core.pagination import Page, page_number, paginate
from portal.core.vocabulary import Vocabulary

MAX_QUERY_LENGTH = understanding.MAX_QUERY_LENGTH
MAX_USD = 10**12
FACETS = ("sector", "country", "zone", "stage", "kind", "region")
SORTS = Vocabulary(
    relevance=_l("Best match first"),
    featured=_l("Featured first"),
    newest=_l("Newest first"),
    amount_asc=_l("Smallest investment first"),
    amount_desc=_l("Largest investment first"),
)
#: names of the filters, for "without the filter …"
FILTER_NAMES = Vocabulary(
    sector=_l("Sector"),
    country=_l("Country"),
    zone=_l("Economic zone"),
    stage=_l("Stage"),
    kind=_l("Kind of deal"),
    region=_l("Region"),
    min_usd=_l("Investment from"),
    max_usd=_l("Investment up to"),
)
#: FTS5's bm25 weight of each field: title, summary, body, meta. The bodies weigh nothing here, as on
#: PostgreSQL, which ranks the small vector without them: a match in a body counts in ``met`` and
#: ``weight``; the databases' own scores only order what those leave tied, by the other fields.
_BM25 = "10.0, 5.0, 0.0, 3.0"
#: ts_rank_cd's weight of each field's letter: {D (body, not in head), C (meta), B (summary), A (title)}
_TS_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


#: where a concept is met, and what that adds to its weight besides being met at all
_TIERS = {"title": 2, "summary": 1, "meta": 1}
_LETTERS = {"title": "A", "summary": "B", "meta": "C", "body": "D"}


def matching_ids(concepts: list[understanding.Concept], field: str | None = None) -> Select:
    """A SELECT of the ids of listings meeting any of ``concepts`` (in ``field`` only, if given)."""
    if _postgresql():
        search = table("opportunity_search", column("opportunity_id"))
        return select(search.c.opportunity_id).where(_ts_match(concepts, field))
    fts = table("opportunity_search", column("rowid"))
    match = literal_column("opportunity_search").op("MATCH")
    return select(fts.c.rowid).where(match(literal(understanding.fts5(concepts, field), String)))


def _ts_match(concepts: list[understanding.Concept], field: str | None = None) -> Any:
    """``document @@ query``; in one field, ``head @@ query:letter``: the small vector without the bodies,
    so that the big one is not read (and decompressed) again for every field of every listing found."""
    query = func.to_tsquery("simple", understanding.tsquery(concepts, _LETTERS[field] if field else ""))
    vector = "opportunity_search.head" if field else "opportunity_search.document"
    return literal_column(vector).op("@@")(query)


def hits(concepts: list[understanding.Concept]) -> Any:
    """A subquery of listings meeting any of ``concepts``, with what orders them by relevance.

    ``met``: how many of the concepts the listing meets; ``weight``: how telling the
    matches are, the same on both databases: each concept met adds its weight
    (rarer concepts weigh more), and more where the title, the summary or the names of
    the listing's sector, zone, country, region and kind have it; ``score``: the
    database's relevance over the titles, summaries and names, lower is better (BM25 on
    FTS5, weighted by field; ``ts_rank_cd`` of the ``head`` vector on PostgreSQL).
    """
    if _postgresql():
        key: Any = literal_column("opportunity_search.opportunity_id")
        # Ranked on the small vector: the whole document would be read and decompressed for every
        # listing found (seconds for a common word at 100,000 listings); matches in the bodies
        # count already, in ``met``, through the index.
        score: Any = -func.ts_rank_cd(
            literal_column(f"'{_TS_WEIGHTS}'::float4[]"),
            literal_column("opportunity_search.head"),
            func.to_tsquery("simple", understanding.tsquery(concepts)),
            literal(1),
        )
        where = _ts_match(concepts)

        def met_in(concept: understanding.Concept, field: str | None) -> Any:
            if field is None:  # from the GIN index, once per statement (a hashed subplan)
                return cast(key.in_(matching_ids([concept])), Integer)
            return cast(_ts_match([concept], field), Integer)

    else:
        key = literal_column("opportunity_search.rowid")
        score = literal_column(f"bm25(opportunity_search, {_BM25})")
        # bm25() needs the MATCH in the statement that calls it, not in a subquery
        where = literal_column("opportunity_search").op("MATCH")(literal(understanding.fts5(concepts), String))

        def met_in(concept: understanding.Concept, field: str | None) -> Any:
            return cast(key.in_(matching_ids([concept], field)), Integer)

    # Each concept's matches are worked out once, in an inner query that the planner may not
    # merge into the outer one (OFFSET 0), which adds them up.
    flags = {f"m{i}": met_in(c, None) for i, c in enumerate(concepts)}
    flags.update({f"{field}{i}": met_in(c, field) for i, c in enumerate(concepts) for field in _TIERS})
    inner = (
        select(key.label("id"), *(value.label(name) for name, value in flags.items()), score.label("score"))
        .select_from(table("opportunity_search"))
        .where(where)
        .offset(0)
        .subquery("matched")
    )
    met = sum((inner.c[f"m{i}"] for i in range(len(concepts))), literal(0))
    weight = sum(
        (
            literal(c.weight)
            * (
                inner.c[f"m{i}"]
                + sum((literal(extra) * inner.c[f"{field}{i}"] for field, extra in _TIERS.items()), literal(0))
            )
            for i, c in enumerate(concepts)
        ),
        literal(0),
    )
    return select(inner.c.id, met.label("met"), weight.label("weight"), inner.c.score).subquery("hits")


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for, already validated: unknown values are dropped."""

    q: str = ""
    sector: str | None = None
    country: str | None = None
    zone: str | None = None
    stage: str | None = None
    kind: str | None = None
    region: str | None = None
    min_usd: int | None = None
    max_usd: int | None = None
    sort: str = "featured"
    page: int = 1
    #: ids resolved from the sector and zone slugs
    sector_id: int | None = field(default=None, compare=False)
    zone_id: int | None = field(default=None, compare=False)
    #: what ``q`` means (catalogue.query)
    understood: understanding.Understood = field(default_factory=understanding.Understood, compare=False)

    @property
    def active(self) -> bool:
        return bool(self.q) or any(getattr(self, name) is not None for name in (*FACETS, "min_usd", "max_usd"))

    @property
    def default_sort(self) -> str:
        return "relevance" if self.understood.concepts else "featured"

    @property
    def relaxable(self) -> list[str]:
        """The filters in use, other than the words, that could be dropped to find more."""
        return [name for name in (*FACETS, "min_usd", "max_usd") if getattr(self, name) is not None]

    def conditions(self, exclude: str | None = None, words: bool = True, matched: Any = None) -> list[Any]:
        """WHERE clauses for these filters, leaving out facet ``exclude`` (and the words, unless ``words``).

        ``matched``: the ids the words match, already selected (a CTE shared by several statements).
        """
        where = [Opportunity.state == "published"]
        equal = {
            "sector": (Opportunity.sector_id, self.sector_id),
            "country": (Opportunity.country, self.country.upper() if self.country else None),
            "zone": (Opportunity.zone_id, self.zone_id),
            "stage": (Opportunity.stage, self.stage),
            "kind": (Opportunity.kind, self.kind),
            "region": (Opportunity.region, self.region),
        }
        for name, (column_, value) in equal.items():
            if value is not None and exclude != name:
                where.append(column_ == value)
        # An opportunity matches a budget when its range overlaps it.
        if self.min_usd is not None and exclude != "min_usd":
            where.append(func.coalesce(Opportunity.max_usd, Opportunity.min_usd) >= self.min_usd)
        if self.max_usd is not None and exclude != "max_usd":
            where.append(func.coalesce(Opportunity.min_usd, Opportunity.max_usd) <= self.max_usd)
        if words and self.understood.concepts:
            ids = select(matched.c[0]) if matched is not None else matching_ids(self.understood.concepts)
            where.append(Opportunity.id.in_(ids))
        return where

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a link to these filters with ``changes`` applied."""
        values = replace(self, **changes) if changes else self
        out = {}
        for name in ("q", *FACETS, "min_usd", "max_usd"):
            value = getattr(values, name)
            if value not in (None, ""):
                out[name] = value
        if values.sort != values.default_sort:
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

    def known(name: str, codes: Any) -> str | None:
        value = one(name)
        return value if value is not None and value in codes else None

    sector = sectors.get(one("sector") or "")
    zone = zones.get(one("zone") or "")
    country = (one("country") or "").upper()
    min_usd, max_usd = _whole_number(one("min_usd")), _whole_number(one("max_usd"))
    if min_usd is not None and max_usd is not None and min_usd > max_usd:
        min_usd, max_usd = max_usd, min_usd
    q = (one("q") or "")[:MAX_QUERY_LENGTH]
    understood = understanding.understand(q) if q else understanding.Understood()
    sort = known("sort", SORTS) or ("relevance" if understood.concepts else "featured")
    if sort == "relevance" and not understood.concepts:
        sort = "featured"
    return Filters(
        q=q,
        sector=sector.slug if sector else None,
        sector_id=sector.id if sector else None,
        country=country.lower() if country in COUNTRIES else None,
        zone=zone.slug if zone else None,
        zone_id=zone.id if zone else None,
        stage=known("stage", STAGES),
        kind=known("kind", OPPORTUNITY_KINDS),
        region=known("region", REGIONS),
        min_usd=min_usd,
        max_usd=max_usd,
        sort=sort,
        page=page_number(one("page")),
        understood=understood,
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


def _plan_for_words() -> None:
    """On PostgreSQL, have the words matched through the GIN index.

    The planner overestimates how many listings an OR of many terms matches and would rather
    read every document (decompressing each): 128 ms instead of 20 ms for the facets of
    "textile" at 10,000 listings. For this request's transaction only.
    """
    if _postgresql() and not g.get("planned_for_words"):
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        g.planned_for_words = True


def find(filters: Filters, lang: str, per_page: int, facets: dict[str, dict[str, int]] | None = None) -> Page:
    """One page of published opportunities matching ``filters``; a 404 past the last page.

    With ``facets`` (facet_counts of the same filters) the number found is read from them, not counted again.
    """
    if filters.understood.concepts:
        _plan_for_words()
    counted = select(Opportunity).where(*filters.conditions())
    if filters.sort == "relevance" and filters.understood.concepts:
        found = hits(filters.understood.concepts)
        statement = (
            select(Opportunity)
            .join(found, found.c.id == Opportunity.id)
            .where(*filters.conditions(words=False))
            .order_by(found.c.met.desc(), found.c.weight.desc(), found.c.score, *_ordering("featured"))
        )
    else:
        statement = counted.order_by(*_ordering(filters.sort))
    total = total_from(filters, facets) if facets is not None else None
    return paginate(statement, filters.page, per_page, joinedload(_texts_in(lang)), counted=counted, total=total)


def total_from(filters: Filters, facets: dict[str, dict[str, int]]) -> int | None:
    """How many listings the filters find, from their facet counts: a facet not filtered on, whose column
    every listing has a value in, counts each found listing once."""
    for facet in ("country", "stage", "kind", "sector", "region"):
        if getattr(filters, facet) is None:
            return sum(facets[facet].values())
    return None


_FACET_COLUMNS = {
    "sector": Opportunity.sector_id,
    "country": Opportunity.country,
    "zone": Opportunity.zone_id,
    "stage": Opportunity.stage,
    "kind": Opportunity.kind,
    "region": Opportunity.region,
}


def _load_cube() -> list[tuple[Any, ...]]:
    columns = list(_FACET_COLUMNS.values())
    statement = select(*columns, func.count()).where(Opportunity.state == "published").group_by(*columns)
    return [tuple(row) for row in db.session.execute(statement)]


#: published listings counted by every combination of facet values: far fewer rows than listings
_cube = PerVersion(_load_cube)


def _facet_values(filters: Filters) -> dict[str, Any]:
    return {
        "sector": filters.sector_id,
        "country": filters.country.upper() if filters.country else None,
        "zone": filters.zone_id,
        "stage": filters.stage,
        "kind": filters.kind,
        "region": filters.region,
    }


def _counts_from_cube(filters: Filters) -> dict[str, dict[str, int]]:
    """Facet counts for filters on facets alone, from the cube: no statement, whatever the catalogue's size."""
    position = {facet: i for i, facet in enumerate(FACETS)}
    active = [(position[f], v) for f, v in _facet_values(filters).items() if v is not None]
    counts: dict[str, Counter[Any]] = {facet: Counter() for facet in FACETS}
    for row in _cube.get():
        missed = [i for i, value in active if row[i] != value]
        if not missed:
            for facet, i in position.items():
                counts[facet][row[i]] += row[-1]
        elif len(missed) == 1:
            counts[FACETS[missed[0]]][row[missed[0]]] += row[-1]
    return {facet: {str(v): n for v, n in c.items() if v is not None} for facet, c in counts.items()}


def published_counts(facet: str) -> dict[Any, int]:
    """Number of published opportunities per value of ``facet`` (a sector or zone id, …), from the cube."""
    position = FACETS.index(facet)
    counts: Counter[Any] = Counter()
    for row in _cube.get():
        counts[row[position]] += row[-1]
    counts.pop(None, None)
    return dict(counts)


def facet_counts(filters: Filters) -> dict[str, dict[str, int]]:
    """For each facet, how many opportunities each value would give, the other filters applied.

    Without words or a budget, from the cube of facet values kept per content version; else in one
    statement for all facets: a UNION ALL of one GROUP BY per facet.
    """
    if not filters.understood.concepts and filters.min_usd is None and filters.max_usd is None:
        return _counts_from_cube(filters)
    columns = _FACET_COLUMNS
    # The words are matched once, not once per facet.
    matched = None
    if filters.understood.concepts:
        _plan_for_words()
        matched = matching_ids(filters.understood.concepts).cte("matched").prefix_with("MATERIALIZED")
    parts = [
        select(
            literal(facet, String).label("facet"),
            cast(columns[facet], String).label("value"),
            func.count().label("n"),
        )
        .where(*filters.conditions(exclude=facet, matched=matched))
        .group_by(columns[facet])
        for facet in FACETS
    ]
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for facet, value, n in db.session.execute(union_all(*parts)):
        if value is not None:
            counts[facet][value] = n
    return counts


def suggestion(filters: Filters) -> str | None:
    """For a search that found nothing: the visitor's words spelt as the catalogue spells them, if that differs."""
    return understanding.suggestion(filters.q) if filters.q else None


@dataclass(frozen=True)
class Relaxation:
    """A filter in use, and what dropping it would give."""

    name: str
    args: dict[str, Any]
    #: how many listings would be found without it (None: not counted)
    count: int | None


def relax(filters: Filters, facets: dict[str, dict[str, int]]) -> list[Relaxation]:
    """Each filter in use with a link to the same search without it, for a search that found nothing.

    Facet counts already say what dropping a facet gives: its counts were made without it.
    """
    return [
        Relaxation(
            name, filters.args(**{name: None, "page": 1}), sum(facets[name].values()) if name in facets else None
        )
        for name in filters.relaxable
    ]


def highlight(text: str, terms: set[str], lang: str) -> Any:
    """``text``, escaped, with the words that matched the search marked."""
    return understanding.highlight(text, terms, lang)
