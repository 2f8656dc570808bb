"""Finding published opportunities: filters, facet counts and full-text search.

The words of ``q`` become concepts (catalogue.query); the index (catalogue.index)
is an FTS5 table on SQLite and a weighted ``tsvector`` on PostgreSQL, asked once per
concept and content version what the concept matches. The filters, the facet counts
and the order are then worked out on the shelf (catalogue.shelf), the published
catalogue kept in memory as columns; only the listings of the page are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from flask import abort, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, text
from sqlalchemy.orm import joinedload

from portal.agencies.models import COUNTRIES
from portal.catalogue import query as understanding
from portal.catalogue import shelf as shelf_
from portal.catalogue.models import OPPORTUNITY_KINDS, REGIONS, STAGES, Opportunity, OpportunityText, Sector, Zone
from portal.catalogue.shelf import FACETS
from portal.core.extensions import db
from portal.core.pagination import Page, page_number
from portal.core.vocabulary import Vocabulary

MAX_QUERY_LENGTH = understanding.MAX_QUERY_LENGTH
MAX_USD = 10**12
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
#: PostgreSQL, which ranks the fields without them: a match in a body counts in ``met`` and
#: ``weight``; the databases' own scores only order what those leave tied, by the other fields.
_BM25 = "10.0, 5.0, 0.0, 3.0"
#: what ``ts_rank`` of each field counts for on PostgreSQL (fields: 1 title, 2 summary, 4 meta), as FTS5's
#: weights. Not ``ts_rank_cd``: its cover density cost ~15 µs a row for a concept of many terms, 0.4 s for
#: "textile" at 100,000 listings, against 0.1 s; the relevance set's first tens agree with FTS5's as well
#: (47 and 48 of 51 queries).
_FIELD_WEIGHT = "(CASE field WHEN 1 THEN 10 WHEN 2 THEN 5 ELSE 3 END)"


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


#: where a concept is met, and what that adds to its weight besides being met at all
_TIERS = {"title": 2, "summary": 1, "meta": 1}


def _find_matches(concepts: list[understanding.Concept]) -> list[shelf_.Matches]:
    """What each of ``concepts`` matches, from the full-text index, in one statement.

    For each listing a concept matches: where besides anywhere (1 the title, 2 the summary, 4 the
    names of the sector, zone, …), and the database's relevance over the titles, summaries and
    names, weighted by field, lower is better: BM25 on FTS5; on PostgreSQL ``ts_rank`` of each
    field's own small vector (reading each listing's whole document would take seconds for a
    common word at 100,000 listings).
    """
    parts, params = [], {}
    for i, concept in enumerate(concepts):
        if _postgresql():
            params[f"q{i}"] = understanding.tsquery([concept])
            # Which listings match, from the whole documents (through the GIN index, ids only); then one
            # row per field that has the concept, from the fields' own small rows, added up below.
            parts.append(
                f"SELECT {i}, opportunity_id, 0, 0::real FROM opportunity_search "
                f"WHERE document @@ to_tsquery('simple', :q{i})"
            )
            rank = f"ts_rank(vector, to_tsquery('simple', :q{i}), 0)"
            parts.append(
                f"SELECT {i}, opportunity_id, field, -{_FIELD_WEIGHT} * {rank} "
                f"FROM opportunity_search_field WHERE vector @@ to_tsquery('simple', :q{i})"
            )
        else:
            params[f"q{i}"] = understanding.fts5([concept])
            params.update({f"q{i}{field}": understanding.fts5([concept], field) for field in _TIERS})
            in_field = " + ".join(
                f"{bit} * (rowid IN (SELECT rowid FROM opportunity_search WHERE opportunity_search MATCH :q{i}{field}))"
                for bit, field in ((1, "title"), (2, "summary"), (4, "meta"))
            )
            parts.append(
                f"SELECT {i}, rowid, {in_field}, bm25(opportunity_search, {_BM25}) "
                f"FROM opportunity_search WHERE opportunity_search MATCH :q{i}"
            )
    _plan_for_words()
    rows = shelf_.raw_rows(text(" UNION ALL ".join(parts)).bindparams(**params))
    which = np.fromiter((r[0] for r in rows), np.int32, len(rows))
    ids = np.fromiter((r[1] for r in rows), np.int64, len(rows))
    fields = np.fromiter((r[2] for r in rows), np.int8, len(rows))
    score = np.fromiter((r[3] for r in rows), np.float64, len(rows))
    shelved = shelf_.shelf()
    out = []
    for i in range(len(concepts)):
        mine = which == i
        # one entry per listing: the fields' flags together, their scores added
        listings, row_of = np.unique(ids[mine], return_inverse=True)
        flags, total = np.zeros(len(listings), np.int8), np.zeros(len(listings), np.float64)
        np.bitwise_or.at(flags, row_of, fields[mine])
        np.add.at(total, row_of, score[mine])
        positions, found = shelved.locate(listings)
        out.append(shelf_.Matches(positions=positions, fields=flags[found], score=total[found]))
    return out


@dataclass(frozen=True)
class Relevance:
    """Per listing of the shelf: how many concepts it meets, how tellingly, and the database's score.

    ``weight`` is the same on both databases: each concept met adds its weight (rarer concepts
    weigh more), and more where the title, the summary or the names of the listing's sector,
    zone, country, region and kind have it. ``score``, lower is better, orders what those leave tied.
    """

    met: np.ndarray
    weight: np.ndarray
    score: np.ndarray


def _relevance(concepts: list[understanding.Concept]) -> Relevance:
    size = len(shelf_.shelf())
    met, weight, score = np.zeros(size, np.int16), np.zeros(size, np.float64), np.zeros(size, np.float64)
    for concept, matches in zip(concepts, shelf_.kept_matches(concepts, _find_matches), strict=True):
        fields = matches.fields.astype(np.int64)
        tiers = 1 + sum(extra * ((fields >> bit) & 1) for bit, extra in enumerate(_TIERS.values()))
        met[matches.positions] += 1
        weight[matches.positions] += concept.weight * tiers
        score[matches.positions] += matches.score
    return Relevance(met=met, weight=weight, score=score)


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


def _texts_in(lang: str | None) -> Any:
    if lang is None:
        return Opportunity.texts
    return Opportunity.texts.and_(OpportunityText.lang.in_({lang, "en"}))


def with_texts(statement: Select, lang: str | None) -> Select:
    """Load each opportunity's text in ``lang`` and in English (in every language: None) in the same statement."""
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


@dataclass(frozen=True)
class _Selection:
    """The filters applied to the shelf: a mask per filter in use (``q`` the words), and the words' relevance."""

    masks: dict[str, np.ndarray]
    relevance: Relevance | None

    def where(self, exclude: str | None = None) -> np.ndarray | None:
        """Which listings all the filters but ``exclude`` keep; None: all of them."""
        kept = None
        for name, mask in self.masks.items():
            if name != exclude:
                kept = mask if kept is None else kept & mask
        return kept


def _select(filters: Filters) -> _Selection:
    """``filters`` applied to the shelf, once per request."""
    made = g.setdefault("selections", {})
    if filters not in made:
        shelved = shelf_.shelf()
        masks = {
            facet: shelved.codes[facet] == shelved.code(facet, value)
            for facet, value in _facet_values(filters).items()
            if value is not None
        }
        # NaN, no amount given, is neither above nor below a bound
        if filters.min_usd is not None:
            masks["min_usd"] = shelved.high >= filters.min_usd
        if filters.max_usd is not None:
            masks["max_usd"] = shelved.low <= filters.max_usd
        relevance = _relevance(filters.understood.concepts) if filters.understood.concepts else None
        if relevance is not None:
            masks["q"] = relevance.met > 0
        made[filters] = _Selection(masks=masks, relevance=relevance)
    return made[filters]


def find(filters: Filters, lang: str | None, per_page: int) -> Page:
    """One page of published opportunities matching ``filters``, with their texts in ``lang`` and English
    (every language: None); a 404 past the last page."""
    shelved, selection = shelf_.shelf(), _select(filters)
    kept = selection.where()
    relevance = selection.relevance
    if filters.sort == "relevance" and relevance is not None:
        found = np.flatnonzero(kept) if kept is not None else np.arange(len(shelved))
        ranked = np.lexsort(
            (
                shelved.place["featured"][found],
                relevance.score[found],
                -relevance.weight[found],
                -relevance.met[found],
            )
        )
        ordered = found[ranked]
    else:
        order = shelved.order[filters.sort if filters.sort in shelved.order else "featured"]
        ordered = order if kept is None else order[kept[order]]
    total = len(ordered)
    if filters.page > 1 and (filters.page - 1) * per_page >= total:
        abort(404)
    start = (filters.page - 1) * per_page
    ids = [int(i) for i in shelved.ids[ordered[start : start + per_page]]]
    loaded = {}
    if ids:
        # by id alone: with the state in the WHERE, SQLite would walk the state index instead
        statement = with_texts(select(Opportunity).where(Opportunity.id.in_(ids)), lang)
        loaded = {item.id: item for item in db.session.scalars(statement).unique() if item.state == "published"}
    return Page(items=[loaded[i] for i in ids if i in loaded], total=total, page=filters.page, per_page=per_page)


def matching_ids(filters: Filters) -> set[int]:
    """The ids of every published opportunity ``filters`` keep (the page and the sort aside)."""
    shelved = shelf_.shelf()
    kept = _select(filters).where()
    return {int(i) for i in (shelved.ids if kept is None else shelved.ids[kept])}


def _facet_values(filters: Filters) -> dict[str, Any]:
    return {
        "sector": filters.sector_id,
        "country": filters.country.upper() if filters.country else None,
        "zone": filters.zone_id,
        "stage": filters.stage,
        "kind": filters.kind,
        "region": filters.region,
    }


def published_counts(facet: str) -> dict[Any, int]:
    """Number of published opportunities per value of ``facet`` (a sector or zone id, …)."""
    return shelf_.shelf().count(facet)


def facet_counts(filters: Filters) -> dict[str, dict[str, int]]:
    """For each facet, how many opportunities each value would give, the other filters applied."""
    shelved, selection = shelf_.shelf(), _select(filters)
    return {
        facet: {str(value): n for value, n in shelved.count(facet, selection.where(exclude=facet)).items()}
        for facet in FACETS
    }


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
