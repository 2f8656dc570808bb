"""The zone maps: Natural Earth outlines of Pakistan, Kyrgyzstan and their neighbours, with zones as markers.

The outlines are made once by tools/world_outlines.py and committed (world_outlines.json); pages
draw them as inline SVG (templates/catalogue/_map.html), so a map needs no tiles, no script and
nothing from another site.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from flask import url_for
from flask_babel import get_translations

from portal.catalogue.models import Opportunity, Zone
from portal.catalogue.search import Filters
from portal.core.i18n import format_number
from portal.core.translated import localized

OUTLINES = Path(__file__).with_name("world_outlines.json")
#: marker radii in map units (the map is 480 units wide); the page's zone is drawn larger
RADIUS, HIGHLIGHTED_RADIUS = 10.0, 13.0
#: the least room between two markers' edges; closer markers are spread around their middle. With
#: it, markers' middles are 36 units apart: 24 px on a phone, where the map is about 330 px wide,
#: so that each marker is a target of its own (WCAG 2.5.8's spacing)
GAP = 16.0
#: filled in their own colours; every other country is a muted neighbour
FEATURED = ("PK", "KG")


@dataclass(frozen=True)
class Marker:
    """A place on the map that links somewhere."""

    lat: float
    lon: float
    #: the place's name, in the page's language where there is one
    label: str
    href: str
    #: the page is about this place (a zone's own page)
    highlighted: bool = False
    #: what else to say about it: its country, how many opportunities
    detail: str = ""
    #: the language of ``label`` when it is not the page's (an English fallback)
    lang: str | None = None
    #: how many of the things the map is about the marker stands for (listings in a zone)
    count: int = 1

    @property
    def name(self) -> str:
        """The link's accessible name: the label and its detail."""
        return f"{self.label}, {self.detail}" if self.detail else self.label


@dataclass(frozen=True)
class Placed:
    """A marker where it is drawn: at its place, or moved aside when another is too close."""

    marker: Marker
    #: 1, 2, …: drawn on the marker and used for its item in the list alternative
    number: int
    x: float
    y: float
    #: where the place really is; differs from (x, y) when the marker was moved aside
    at_x: float
    at_y: float
    radius: float

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.at_x, self.y - self.at_y) > 0.5


@dataclass(frozen=True)
class Shape:
    """A country's outline and its name."""

    code: str
    path: str
    #: "featured" (Pakistan, Kyrgyzstan), "neighbour" or "other" (no ISO code, unnamed)
    role: str
    name: str = ""
    label_x: int | None = None
    label_y: int | None = None


@dataclass(frozen=True)
class Map:
    """Everything the template draws."""

    width: int
    height: int
    shapes: list[Shape]
    markers: list[Placed]
    #: how many of the things the page is about could not be placed (no coordinates, off the map)
    unlocated: int

    @property
    def featured(self) -> list[Shape]:
        return sorted(
            (shape for shape in self.shapes if shape.role == "featured"), key=lambda s: FEATURED.index(s.code)
        )

    @property
    def has_highlight(self) -> bool:
        return any(placed.marker.highlighted for placed in self.markers)


@lru_cache(maxsize=1)
def outlines() -> dict[str, Any]:
    """The committed outlines, read once per process."""
    return json.loads(OUTLINES.read_text(encoding="utf-8"))


def project(lat: float, lon: float, projection: dict[str, float] | None = None) -> tuple[float, float]:
    """Map units of a place: the equirectangular projection tools/world_outlines.py drew the outlines with."""
    p = projection or outlines()["projection"]
    return (lon - p["west"]) * p["kx"], (p["north"] - lat) * p["ky"]


def zone_markers(
    zones: Iterable[Zone], lang: str, current: Zone | None = None, counts: dict[Any, int] | None = None
) -> list[Marker]:
    """One marker for each zone with coordinates, linking to its page; ``current`` highlighted."""
    markers, territories = [], Locale.parse(lang).territories
    for zone in zones:
        if zone.latitude is None or zone.longitude is None:
            continue
        details = [territories.get(zone.country, zone.country)]
        if counts is not None:
            n = counts.get(zone.id, 0)
            details.append(_plural(get_translations().ngettext("%(num)s opportunity", "%(num)s opportunities", n), n))
        label, label_lang = _name(zone, lang)
        markers.append(
            Marker(
                lat=zone.latitude,
                lon=zone.longitude,
                label=label,
                lang=label_lang,
                href=url_for("catalogue.zone", slug=zone.slug),
                highlighted=current is not None and zone.id == current.id,
                detail=": ".join(details),
            )
        )
    return markers


def result_markers(items: Sequence[Opportunity], zones: Iterable[Zone], lang: str, filters: Filters) -> list[Marker]:
    """The listings of a page of results, one marker per zone: how many are there, linking to the list of that zone.

    Listings without a zone have no place of their own: they are left out, and ``draw`` counts them.
    """
    per_zone = Counter(item.zone_id for item in items if item.zone_id is not None)
    markers = []
    for zone in zones:
        n = per_zone.get(zone.id)
        if not n or zone.latitude is None or zone.longitude is None:
            continue
        label, label_lang = _name(zone, lang)
        markers.append(
            Marker(
                lat=zone.latitude,
                lon=zone.longitude,
                label=label,
                lang=label_lang,
                href=url_for("catalogue.opportunities", **filters.args(zone=zone.slug, page=1)),
                detail=_plural(
                    get_translations().ngettext(
                        "%(num)s opportunity on this page", "%(num)s opportunities on this page", n
                    ),
                    n,
                ),
                count=n,
            )
        )
    return markers


def _plural(message: str, n: int) -> str:
    # flask_babel's ngettext fills %(num)s with the bare number; the page's digit grouping is wanted.
    return message % {"num": format_number(n)}


def _name(zone: Zone, lang: str) -> tuple[str, str | None]:
    text = localized(zone, lang)
    if text is None:
        return zone.slug, None
    return text.name, text.lang if text.fallback else None


def zones_map(
    zones: Sequence[Zone], lang: str, current: Zone | None = None, counts: dict[Any, int] | None = None
) -> Map:
    """The map of every zone (the zones page, a zone's page with ``current`` highlighted)."""
    return draw(zone_markers(zones, lang, current, counts), lang, total=len(zones))


def results_map(items: Sequence[Opportunity], zones: Iterable[Zone], lang: str, filters: Filters) -> Map:
    """The map of a page of search results."""
    return draw(result_markers(items, zones, lang, filters), lang, total=len(items))


def draw(markers: Sequence[Marker], lang: str, total: int | None = None) -> Map:
    """The map of ``markers`` with country names in ``lang``.

    ``total`` is how many things the page is about; those that no marker shows on the map (no
    coordinates, no zone, off the map) are ``unlocated``, for the page to say so.
    """
    data = outlines()
    width, height = data["width"], data["height"]
    territories = Locale.parse(lang).territories
    shapes = []
    for code, path in data["countries"].items():
        label = data["labels"].get(code)
        shapes.append(
            Shape(
                code=code,
                path=path,
                role="featured" if code in FEATURED else "neighbour",
                name=territories.get(code, code),
                label_x=label[0] if label else None,
                label_y=label[1] if label else None,
            )
        )
    shapes += [Shape(code="", path=path, role="other") for path in data["other"].values()]
    inside = []
    for marker in markers:
        x, y = project(marker.lat, marker.lon, data["projection"])
        if 0 <= x <= width and 0 <= y <= height:
            inside.append((marker, x, y))
    shown = sum(marker.count for marker, _x, _y in inside)
    return Map(
        width=width,
        height=height,
        shapes=shapes,
        markers=place(inside, width, height),
        unlocated=(sum(marker.count for marker in markers) if total is None else total) - shown,
    )


def place(markers: Sequence[tuple[Marker, float, float]], width: float, height: float) -> list[Placed]:
    """Number the markers and move apart those that would overlap.

    Markers closer than their radii and ``GAP`` form a cluster; a cluster's markers are set on a
    circle around its middle, in the order they lie around it, just far enough apart. Repeated a
    few times, as spreading one cluster can bring it near another. Each moved marker is drawn
    with a line to its true place.
    """
    radii = [HIGHLIGHTED_RADIUS if marker.highlighted else RADIUS for marker, _x, _y in markers]
    positions = [(x, y) for _marker, x, y in markers]
    for _round in range(6):
        clusters = _clusters(positions, radii)
        if all(len(cluster) == 1 for cluster in clusters):
            break
        for cluster in clusters:
            if len(cluster) > 1:
                _spread(cluster, positions, radii)
    placed = []
    for number, ((marker, at_x, at_y), (x, y), radius) in enumerate(zip(markers, positions, radii, strict=True), 1):
        x, y = min(max(x, radius), width - radius), min(max(y, radius), height - radius)
        placed.append(Placed(marker=marker, number=number, x=x, y=y, at_x=at_x, at_y=at_y, radius=radius))
    return placed


def _clusters(positions: list[tuple[float, float]], radii: list[float]) -> list[list[int]]:
    parent = list(range(len(positions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (xi, yi) in enumerate(positions):
        for j in range(i + 1, len(positions)):
            xj, yj = positions[j]
            if math.hypot(xi - xj, yi - yj) < radii[i] + radii[j] + GAP - 1e-6:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(positions)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _spread(cluster: list[int], positions: list[tuple[float, float]], radii: list[float]) -> None:
    n = len(cluster)
    cx = sum(positions[i][0] for i in cluster) / n
    cy = sum(positions[i][1] for i in cluster) / n
    widest = max(radii[i] for i in cluster)
    # neighbours on the circle are a chord apart: 2·R·sin(π/n) ≥ two radii and the gap
    circle = (2 * widest + GAP) / (2 * math.sin(math.pi / n))
    # in the order they lie around the middle; markers on the same spot keep their order, from the top
    angles = [
        math.atan2(positions[i][1] - cy, positions[i][0] - cx)
        if math.hypot(positions[i][0] - cx, positions[i][1] - cy) > 1e-6
        else -math.pi / 2 + k * 2 * math.pi / n
        for k, i in enumerate(cluster)
    ]
    order = sorted(range(n), key=lambda k: angles[k])
    start = angles[order[0]]
    for step, k in enumerate(order):
        angle = start + step * 2 * math.pi / n
        positions[cluster[k]] = (cx + circle * math.cos(angle), cy + circle * math.sin(angle))
