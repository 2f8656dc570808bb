"""Atom feeds, the sitemap and robots.txt: what feed readers and search engines see."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from portal.catalogue import demo
from portal.catalogue.models import Opportunity
from tests.conftest import database

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def catalogue(app):
    with database(app):
        demo.load()
    return app


def test_a_feed_per_language_newest_first_with_the_pages_links(client, catalogue):
    response = client.get("/ru/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 43
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert updated == sorted(updated, reverse=True)
    first = entries[0]
    link = first.find(f"{ATOM}link").get("href")
    assert link.startswith("http://portal.test/ru/opportunities/")
    assert re.search("[а-яА-Я]", first.findtext(f"{ATOM}title"))  # the Russian title
    assert first.findtext(f"{ATOM}id").startswith("tag:portal.test,2026:opportunity:")
    assert "(" in first.findtext(f"{ATOM}title")  # demo listings say they are samples


def test_a_feed_per_sector_and_pages_link_their_feeds(client, catalogue):
    feed = ET.fromstring(client.get("/en/feed.atom?sector=textiles").data)
    terms = {entry.find(f"{ATOM}category").get("term") for entry in feed.findall(f"{ATOM}entry")}
    assert terms == {"textiles"}
    assert client.get("/en/feed.atom?sector=no-such-sector").status_code == 404
    home = client.get("/en/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in home and 'href="/en/feed.atom"' in home
    sector = client.get("/en/sectors/textiles").get_data(as_text=True)
    assert 'href="/en/feed.atom?sector=textiles"' in sector


def test_a_withdrawn_listing_leaves_the_feed_and_the_sitemap(app, client, catalogue):
    with database(app) as session:
        session.scalar(
            select(Opportunity).where(Opportunity.slug == "faisalabad-denim-finishing-plant")
        ).state = "archived"
    assert "faisalabad-denim-finishing-plant" not in client.get("/en/feed.atom").get_data(as_text=True)
    assert "faisalabad-denim-finishing-plant" not in client.get("/sitemap.xml").get_data(as_text=True)


def _urls(data: bytes) -> list[ET.Element]:
    return ET.fromstring(data).findall(f"{SITEMAP}url")


def test_the_sitemap_lists_every_public_page_in_every_language_with_alternates(client, catalogue):
    urls = _urls(client.get("/sitemap.xml").data)
    locations = [url.findtext(f"{SITEMAP}loc") for url in urls]
    # 7 fixed pages, 9 sectors, 12 zones, 43 listings; four languages each
    assert (
        len(locations) == len(set(locations)) == (9 + 2 + 9 + 12 + 43) * 4
    )  # fixed pages, guides, sectors, zones, listings
    assert all(loc.startswith("http://portal.test/") for loc in locations)
    denim = [
        u
        for u in urls
        if u.findtext(f"{SITEMAP}loc") == "http://portal.test/ur/opportunities/faisalabad-denim-finishing-plant"
    ]
    alternates = {link.get("hreflang"): link.get("href") for link in denim[0].findall(f"{XHTML}link")}
    assert alternates["ky"] == "http://portal.test/ky/opportunities/faisalabad-denim-finishing-plant"
    assert set(alternates) == {"en", "ur", "ru", "ky"}
    assert denim[0].findtext(f"{SITEMAP}lastmod")


def test_a_large_sitemap_becomes_an_index_of_files_within_the_limit(catalogue):
    catalogue.config["SITEMAP_URLS"] = 100
    client = catalogue.test_client()
    index = ET.fromstring(client.get("/sitemap.xml").data)
    files = [node.findtext(f"{SITEMAP}loc") for node in index.findall(f"{SITEMAP}sitemap")]
    assert len(files) == 3  # 75 pages, 25 a file
    every = []
    for location in files:
        part = client.get(location.removeprefix("http://portal.test"))
        assert part.status_code == 200
        urls = _urls(part.data)
        assert len(urls) <= 100
        every += [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert len(every) == len(set(every)) == 75 * 4
    assert client.get("/sitemaps/4.xml").status_code == 404


def test_robots_keeps_the_staff_area_and_the_api_search_out(client, catalogue):
    robots = client.get("/robots.txt").get_data(as_text=True).splitlines()
    assert "Disallow: /admin" in robots and "Disallow: /api/v1/opportunities" in robots
    assert "Sitemap: http://portal.test/sitemap.xml" in robots
