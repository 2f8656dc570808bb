"""What pages say of themselves to search engines and link previews: canonical links, OpenGraph, JSON-LD."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from portal.catalogue import demo
from tests.conftest import database


@pytest.fixture
def catalogue(app):
    with database(app):
        demo.load()
    return app


class Head(HTMLParser):
    """The meta tags, links and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.linked: list[dict] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_script = True

    def handle_data(self, data):
        if self._in_script:
            self.linked.append(json.loads(data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def head(client, path: str) -> Head:
    parsed = Head()
    parsed.feed(client.get(path).get_data(as_text=True))
    return parsed


def test_an_opportunity_is_an_offer_by_its_agency_at_its_zone(client, catalogue):
    page = head(client, "/ru/opportunities/faisalabad-denim-finishing-plant")
    (offer,) = page.linked
    assert offer["@context"] == "https://schema.org" and offer["@type"] == "Offer"
    assert offer["url"] == page.canonical == "http://portal.test/ru/opportunities/faisalabad-denim-finishing-plant"
    assert re.search("[а-я]", offer["name"]) and offer["description"]
    assert offer["offeredBy"]["@type"] == "GovernmentOrganization" and offer["offeredBy"]["alternateName"] == "BOI"
    assert offer["priceSpecification"] == {
        "@type": "PriceSpecification",
        "priceCurrency": "USD",
        "minPrice": 8_000_000,
        "maxPrice": 25_000_000,
    }
    place = offer["availableAtOrFrom"]
    assert place["@type"] == "Place" and place["geo"]["@type"] == "GeoCoordinates"
    assert -90 <= place["geo"]["latitude"] <= 90
    assert page.meta["og:title"] == offer["name"] and page.meta["og:description"] == offer["description"]
    assert page.meta["og:url"] == page.canonical and page.meta["og:locale"] == "ru_RU"
    assert page.meta["twitter:card"] == "summary"


def test_a_zone_is_a_place_with_coordinates(client, catalogue):
    page = head(client, "/ur/zones/rashakai")
    (place,) = page.linked
    assert place["@type"] == "Place" and place["address"]["addressCountry"] == "PK"
    assert place["geo"]["latitude"] and place["geo"]["longitude"]
    assert place["url"] == page.canonical and page.meta["og:locale"] == "ur_PK"


def test_the_agencies_are_government_organisations(client, catalogue):
    (graph,) = head(client, "/ky/about").linked
    codes = {node["alternateName"]: node for node in graph["@graph"]}
    assert set(codes) == {"BOI", "NIA"}
    assert all(node["@type"] == "GovernmentOrganization" and node["name"] for node in codes.values())


def test_every_public_page_has_a_canonical_link_and_a_preview(client, catalogue):
    for path in ("/en/", "/en/opportunities?sector=textiles", "/ur/zones", "/ru/sectors/textiles", "/ky/accessibility"):
        page = head(client, path)
        assert page.canonical == "http://portal.test" + path, path
        assert page.meta["og:title"] and page.meta["og:description"] and page.meta["og:site_name"], path
