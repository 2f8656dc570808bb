"""The published catalogue in memory as columns: what filtering, counting and ordering need.

Kept per content version and process (core.freshness): one array of codes per facet, the
budget bounds, each sort's order, and what each concept of a search has matched. Filters
become masks, facet counts ``bincount``s and a page a slice of an order: work on numbers
that takes about a millisecond at 100,000 listings, where SQL would read every listing
found for every facet. The words are still matched by the database's full-text index
(catalogue.search); the database is read once per content version, and for each concept
the first time it is asked for.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any

import numpy as np
from sqlalchemy import select

from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.core.freshness import PerVersion

FACETS = ("sector", "country", "zone", "stage", "kind", "region")
#: the column of each facet
COLUMNS = {
    "sector": Opportunity.sector_id,
    "country": Opportunity.country,
    "zone": Opportunity.zone_id,
    "stage": Opportunity.stage,
    "kind": Opportunity.kind,
    "region": Opportunity.region,
}
#: how many concepts' matches a process keeps per content version
KEPT_CONCEPTS = 256


@dataclass(frozen=True)
class Shelf:
    """The published listings, one entry per listing in order of id."""

    ids: np.ndarray
    #: per facet, each listing's value as a code (-1: none), and the value of each code
    codes: dict[str, np.ndarray]
    values: dict[str, list[Any]]
    #: the budget bounds: a listing's range runs from ``low`` to ``high`` (NaN: no amount given)
    low: np.ndarray
    high: np.ndarray
    #: per sort, the listings' positions in that order, and each listing's place in it
    order: dict[str, np.ndarray]
    place: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.ids)

    def code(self, facet: str, value: Any) -> int:
        """The code of ``value`` in ``facet``; -1, matching no listing, for a value no listing has."""
        try:
            return self.values[facet].index(value)
        except ValueError:
            return -1

    def locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where listings ``ids`` are on the shelf, for those on it; and which of ``ids`` those are."""
        found = np.minimum(np.searchsorted(self.ids, ids), max(len(self.ids) - 1, 0))
        shelved = self.ids[found] == ids if len(self.ids) else np.zeros(len(ids), bool)
        return found[shelved], shelved

    def count(self, facet: str, where: np.ndarray | None = None) -> dict[Any, int]:
        """How many listings (of those ``where`` is true for) have each value of ``facet``."""
        codes = self.codes[facet] if where is None else self.codes[facet][where]
        counts = np.bincount(codes[codes >= 0], minlength=len(self.values[facet]))
        return {self.values[facet][code]: int(counts[code]) for code in np.flatnonzero(counts)}


def raw_rows(statement: Any) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` as the driver gives them: tens of thousands of them, for which making
    SQLAlchemy rows would take as long as the database takes to find them."""
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    params = compiled.params
    if compiled.positiontup is not None:
        params = [params[name] for name in compiled.positiontup]
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _coded(column: list[Any]) -> tuple[np.ndarray, list[Any]]:
    values = sorted({v for v in column if v is not None}, key=str)
    code = {v: i for i, v in enumerate(values)}
    return np.fromiter((code.get(v, -1) if v is not None else -1 for v in column), np.int32, len(column)), values


def _amounts(column: list[int | None]) -> np.ndarray:
    return np.fromiter((np.nan if v is None else float(v) for v in column), np.float64, len(column))


def _load() -> Shelf:
    # Read newest first, so that the row order is the "newest" order, without converting the dates.
    statement = (
        select(Opportunity.id, *COLUMNS.values(), Opportunity.min_usd, Opportunity.max_usd, Opportunity.featured)
        .where(Opportunity.state == "published")
        .order_by(Opportunity.published_at.desc().nulls_last(), Opportunity.id.desc())
    )
    rows = raw_rows(statement)
    size = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(COLUMNS) + 4)]
    read = np.fromiter(columns[0], np.int64, size)
    # the shelf is in order of id; ``position[r]``: where the r-th row read is on it
    by_id = np.argsort(read, kind="stable")
    position = np.empty(size, np.int64)
    position[by_id] = np.arange(size)

    def shelved(values: np.ndarray) -> np.ndarray:
        return values[by_id]

    coded = {facet: _coded(list(columns[1 + i])) for i, facet in enumerate(FACETS)}
    minimum, maximum = shelved(_amounts(list(columns[7]))), shelved(_amounts(list(columns[8])))
    featured = np.fromiter(columns[9], np.int8, size)
    ids = shelved(read)
    # np.lexsort sorts by its last key first
    order = {
        "newest": position,
        "featured": position[np.lexsort((np.arange(size), -featured))],
        # amounts not given come last
        "amount_asc": np.lexsort((ids, np.where(np.isnan(minimum), np.inf, minimum))),
        "amount_desc": np.lexsort((-ids, np.where(np.isnan(maximum), np.inf, -maximum))),
    }
    place = {}
    for sort, positions in order.items():
        place[sort] = np.empty(size, np.int64)
        place[sort][positions] = np.arange(size)
    return Shelf(
        ids=ids,
        codes={facet: shelved(codes) for facet, (codes, _) in coded.items()},
        values={facet: values for facet, (_, values) in coded.items()},
        low=np.where(np.isnan(minimum), maximum, minimum),
        high=np.where(np.isnan(maximum), minimum, maximum),
        order=order,
        place=place,
    )


_shelf = PerVersion(_load)


def shelf() -> Shelf:
    """The published catalogue of the current content version."""
    return _shelf.get()


@dataclass(frozen=True)
class Matches:
    """The listings one concept matches: their positions on the shelf, where it matched, and a score."""

    positions: np.ndarray
    #: per listing, where besides anywhere: 1 the title, 2 the summary, 4 the names (sector, zone, …)
    fields: np.ndarray
    #: the database's relevance of the concept to each listing, lower is better
    score: np.ndarray


_matches = PerVersion(OrderedDict)
#: for servers that answer requests in threads
_keeping = Lock()


def kept_matches(concepts: list[Any], find: Any) -> list[Matches]:
    """What each of ``concepts`` matches: kept ones as kept, the others from ``find(missing)``, then kept."""
    kept: OrderedDict[Any, Matches] = _matches.get()
    with _keeping:
        found = {concept: kept[concept] for concept in concepts if concept in kept}
    missing = [concept for concept in concepts if concept not in found]
    if missing:
        found.update(zip(missing, find(missing), strict=True))
    with _keeping:
        for concept in concepts:
            kept[concept] = found[concept]
            kept.move_to_end(concept)
        while len(kept) > KEPT_CONCEPTS:
            kept.popitem(last=False)
    return [found[concept] for concept in concepts]
