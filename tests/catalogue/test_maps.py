"""The zone maps: outlines where the countries are, a marker for each zone, the same links as a list, any language."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from itertools import combinations
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.catalogue import maps
from portal.catalogue.models import Zone, ZoneText
from portal.core.extensions import db
from tests.conftest import database
from tests.factories import make_opportunity, make_zone

LANGUAGES = ["en", "ur", "ru", "ky"]


# --- the committed outlines ---------------------------------------------------------------


def rings(path: str) -> list[list[tuple[int, int]]]:
    """The rings of path data as tools/world_outlines.py writes it: ``M x y l dx dy … z`` per ring."""
    out: list[list[tuple[int, int]]] = []
    for move, steps in re.findall(r"M(-?\d+ ?-?\d+)l([-\d ]*)z", path):
        x, y = map(int, re.findall(r"-?\d+", move))
        ring = [(x, y)]
        numbers = list(map(int, re.findall(r"-?\d+", steps)))
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        out.append(ring)
    return out


def inside(point: tuple[float, float], path: str) -> bool:
    """Even–odd rule over every ring of the path, as SVG fills it with fill-rule evenodd (and nonzero here)."""
    px, py = point
    crossings = 0
    for ring in rings(path):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > py) != (y1 > py) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def test_outlines_are_small_sourced_and_cover_the_region():
    data = maps.outlines()
    assert maps.OUTLINES.stat().st_size < 60_000
    assert data["source"] == "Natural Earth via world-atlas 2.0.2 countries-50m"
    neighbourhood = {"PK", "KG", "AF", "IR", "IN", "CN", "TJ", "UZ", "KZ", "TM"}
    assert neighbourhood <= set(data["countries"])
    for code, path in data["countries"].items():
        assert re.fullmatch(r"(M-?\d+ ?-?\d+l[-\d ]*z)+", path), code
        assert all(len(ring) >= 3 for ring in rings(path)), code
    assert all(sum(len(ring) for ring in rings(data["countries"][code])) > 20 for code in neighbourhood)
    assert set(data["labels"]) <= set(data["countries"])


CITIES = {
    "Bishkek": (42.87, 74.59, "KG"),
    "Osh": (40.53, 72.80, "KG"),
    "Naryn": (41.43, 76.0, "KG"),
    "Karachi": (24.86, 67.01, "PK"),
    "Islamabad": (33.69, 73.05, "PK"),
    "Quetta": (30.18, 66.99, "PK"),
    "Kabul": (34.53, 69.17, "AF"),
    "Dushanbe": (38.56, 68.79, "TJ"),
    "Tashkent": (41.30, 69.24, "UZ"),
    "Almaty": (43.24, 76.89, "KZ"),
    "Kashgar": (39.47, 75.99, "CN"),
    "Delhi": (28.61, 77.21, "IN"),
}


@pytest.mark.parametrize("city", CITIES)
def test_projection_puts_a_city_inside_its_country_only(city):
    lat, lon, country = CITIES[city]
    point = maps.project(lat, lon)
    found = [code for code, path in maps.outlines()["countries"].items() if inside(point, path)]
    assert found == [country]


def test_projection_keeps_the_frame_of_the_outlines():
    data = maps.outlines()
    west, south, east, north = data["bbox"]
    assert maps.project(north, west) == pytest.approx((0, 0))
    assert maps.project(south, east) == pytest.approx((data["width"], data["height"]), abs=1)
    # east–west is shortened by the cosine of the middle latitude, so the map is not stretched
    x, y = maps.project(south, east)
    assert x / y == pytest.approx(
        (east - west) * math.cos(math.radians((south + north) / 2)) / (north - south), rel=0.01
    )


def marker(lat: float, lon: float, highlighted: bool = False) -> maps.Marker:
    return maps.Marker(lat=lat, lon=lon, label="Zone", href="/en/zones/zone", highlighted=highlighted)


def test_markers_on_the_same_spot_are_moved_apart_and_keep_their_numbers():
    spots = [(42.885, 74.67), (42.875, 74.61, True), (42.88, 74.6), (33.69, 73.05)]
    placed = maps.place(
        [(marker(s[0], s[1], *s[2:]), *maps.project(s[0], s[1])) for s in spots],
        maps.outlines()["width"],
        maps.outlines()["height"],
    )
    assert [p.number for p in placed] == [1, 2, 3, 4]
    for a, b in combinations(placed, 2):
        assert math.hypot(a.x - b.x, a.y - b.y) >= a.radius + b.radius + maps.GAP - 0.01
    assert [p.moved for p in placed] == [True, True, True, False]
    assert placed[1].radius > placed[0].radius  # the page's own zone is drawn larger
    assert all(math.hypot(p.x - p.at_x, p.y - p.at_y) < 40 for p in placed)  # still next to their places


# --- the pages ------------------------------------------------------------------------------


class MapParser(HTMLParser):
    """The map figure of a page: its SVG's links, its list's links, its texts and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_figure = self.in_svg = self.in_list = self.in_text = False
        self.svg_links: list[dict[str, str]] = []
        self.list_links: list[dict[str, str]] = []
        self.labels: list[str] = []
        self.svg_attributes: list[str] = []
        self.svg_tags: set[str] = set()
        self.svg: dict[str, str] = {}
        self.figures = 0
        self._link: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "figure" and "map" in a.get("class", "").split():
            self.in_figure = True
            self.figures += 1
        if not self.in_figure:
            return
        if tag == "svg" and "map-drawing" in a.get("class", ""):
            self.in_svg, self.svg = True, a
        if self.in_svg:
            self.svg_tags.add(tag)
            self.svg_attributes += [f"{k}={v}" for k, v in a.items()]
            if tag == "a":
                self.svg_links.append(a)
            if tag == "text" and "map-label" in a.get("class", ""):
                self.in_text = True
        if tag == "details":
            self.in_list = True
        if self.in_list and tag == "a":
            self._link = dict(a, text="")
            self.list_links.append(self._link)

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False
        elif tag == "text":
            self.in_text = False
        elif tag == "details":
            self.in_list = False
        elif tag == "a":
            self._link = None
        elif tag == "figure":
            self.in_figure = False

    def handle_data(self, data):
        if self.in_text:
            self.labels.append(data)
        if self._link is not None:
            self._link["text"] += data


def the_map(client, url: str) -> MapParser:
    response = client.get(url)
    assert response.status_code == 200
    parser = MapParser()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture
def zones(app):
    with database(app):
        rashakai = make_zone("rashakai", name="Rashakai Special Economic Zone", latitude=34.05, longitude=71.98)
        rashakai.texts["ru"] = ZoneText(lang="ru", name="СЭЗ «Рашакай»")
        dhabeji = make_zone("dhabeji", name="Dhabeji Special Economic Zone", latitude=24.78, longitude=67.53)
        bishkek = make_zone(
            "bishkek-fez", country="KG", name="Bishkek FEZ", kind="fez", latitude=42.885, longitude=74.67
        )
        park = make_zone("hi-tech-park", country="KG", name="High Technology Park", latitude=42.875, longitude=74.61)
        nowhere = make_zone("nowhere", name="Zone Without Coordinates")
        return {z.slug: z for z in (rashakai, dhabeji, bishkek, park, nowhere)}


LOCATED = ["rashakai", "dhabeji", "bishkek-fez", "hi-tech-park"]


@pytest.mark.parametrize("slug", LOCATED)
def test_each_zone_page_highlights_its_zone_among_the_others(client, zones, slug):
    found = the_map(client, f"/en/zones/{slug}")
    assert found.figures == 1
    assert sorted(link["href"] for link in found.svg_links) == sorted(f"/en/zones/{s}" for s in LOCATED)
    (current,) = [link for link in found.svg_links if link.get("aria-current") == "page"]
    assert current["href"] == f"/en/zones/{slug}"
    assert "map-here" in current["class"].split()
    assert all("map-here" not in link["class"] for link in found.svg_links if link is not current)


def test_zone_without_coordinates_has_its_page_and_the_map_says_it_is_missing(client, zones):
    found = the_map(client, "/en/zones/nowhere")
    assert not any(link.get("aria-current") for link in found.svg_links)
    page = client.get("/en/zones").get_data(as_text=True)
    assert "1 zone has no known place yet, and is not on the map." in page
    assert "/en/zones/nowhere" not in [link["href"] for link in the_map(client, "/en/zones").svg_links]


def zone(slug: str) -> Zone:
    """A zone made by the ``zones`` fixture, in this block's session."""
    return db.session.scalars(db.select(Zone).filter_by(slug=slug)).one()


def test_every_marker_is_a_named_link_and_the_list_has_the_same_links(client, zones):
    with database(client.application):
        make_opportunity(zone=zone("rashakai"))
        make_opportunity(zone=zone("rashakai"))
    found = the_map(client, "/en/zones")
    assert [link["href"] for link in found.svg_links] == [link["href"] for link in found.list_links]
    assert len(found.svg_links) == len(LOCATED)
    for svg_link, list_link in zip(found.svg_links, found.list_links, strict=True):
        assert svg_link["aria-label"].startswith(list_link["text"] + ", ")
    names = {link["href"]: link["aria-label"] for link in found.svg_links}
    assert names["/en/zones/rashakai"] == "Rashakai Special Economic Zone, Pakistan: 2 opportunities"
    assert names["/en/zones/bishkek-fez"] == "Bishkek FEZ, Kyrgyzstan: 0 opportunities"


def test_map_is_drawn_without_anything_from_elsewhere(client, zones):
    found = the_map(client, "/en/zones")
    assert found.svg["viewbox"] == f"0 0 {maps.outlines()['width']} {maps.outlines()['height']}"
    assert not [attribute for attribute in found.svg_attributes if re.search(r"https?:|//|style=", attribute)]
    assert found.svg_tags <= {"svg", "g", "rect", "path", "text", "line", "circle", "a"}
    page = client.get("/en/zones").get_data(as_text=True)
    assert "<script" not in page


@pytest.fixture
def listings(app, zones):
    with database(app):
        for _ in range(2):
            make_opportunity(zone=zone("rashakai"))
        make_opportunity(zone=zone("bishkek-fez"), country="KG")
        make_opportunity(zone=zone("nowhere"))
        make_opportunity()  # no zone at all


def test_results_map_has_a_marker_per_zone_with_the_listings_of_the_page(client, listings):
    found = the_map(client, "/en/opportunities")
    names = {link["href"]: link["aria-label"] for link in found.svg_links}
    assert names == {
        "/en/opportunities?zone=rashakai": "Rashakai Special Economic Zone, 2 opportunities on this page",
        "/en/opportunities?zone=bishkek-fez": "Bishkek FEZ, 1 opportunity on this page",
    }
    page = client.get("/en/opportunities").get_data(as_text=True)
    assert "2 opportunities on this page are not in a zone with a known place, and are not on the map." in page


def test_results_map_with_a_zone_filter_shows_only_that_zone(client, listings):
    found = the_map(client, "/en/opportunities?zone=rashakai&country=pk")
    (link,) = found.svg_links
    assert [other["href"] for other in found.list_links] == [link["href"]]
    url = urlsplit(link["href"])  # the list of that zone, the other filters kept
    assert url.path == "/en/opportunities" and parse_qs(url.query) == {"zone": ["rashakai"], "country": ["pk"]}


def test_no_results_no_map(client, listings):
    assert the_map(client, "/en/opportunities?zone=dhabeji").figures == 0


COUNTRY_NAMES = {
    "en": ("Pakistan", "Kyrgyzstan", "Afghanistan"),
    "ru": ("Пакистан", "Киргизия", "Афганистан"),
    "ky": ("Пакистан", "Кыргызстан", "Афганистан"),
    "ur": ("پاکستان", "کرغزستان", "افغانستان"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_names_on_the_map_are_in_the_page_language(client, zones, lang):
    found = the_map(client, f"/{lang}/zones/rashakai")
    for name in COUNTRY_NAMES[lang]:
        assert name in found.labels
    pakistan = COUNTRY_NAMES[lang][0]
    assert any(link["aria-label"].endswith(f", {pakistan}") for link in found.svg_links)
    (rashakai,) = [link for link in found.list_links if link["href"] == f"/{lang}/zones/rashakai"]
    if lang == "ru":
        assert rashakai["text"] == "СЭЗ «Рашакай»" and "lang" not in rashakai
    elif lang == "en":
        assert rashakai["text"] == "Rashakai Special Economic Zone" and "lang" not in rashakai
    else:  # no text in this language: the English name, marked as English
        assert rashakai["text"] == "Rashakai Special Economic Zone" and rashakai["lang"] == "en"


def test_urdu_keeps_the_geography_and_reads_the_rest_right_to_left(client, zones):
    page = client.get("/ur/zones").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in page
    english, urdu = the_map(client, "/en/zones"), the_map(client, "/ur/zones")
    # the same drawing, not mirrored: every outline and marker where it is in English
    geometry = ("d=", "cx=", "cy=", "x=", "y=", "viewbox=")
    assert [a for a in urdu.svg_attributes if a.startswith(geometry)] == [
        a for a in english.svg_attributes if a.startswith(geometry)
    ]
    assert not [a for a in urdu.svg_attributes if a.startswith("transform")]
    assert "نقشہ بطور فہرست" in page  # "The map as a list"
