"""Comparing up to four zones or opportunities side by side, from the address alone."""

from __future__ import annotations

import re

import pytest

from portal.core.extensions import db
from tests.conftest import database
from tests.factories import cite, make_opportunity, make_sector, make_source, make_zone

LANGUAGES = ["en", "ur", "ru", "ky"]


@pytest.fixture
def compared(app):
    with database(app):
        source = make_source("sez-law")
        rashakai = make_zone("rashakai", name="Rashakai Special Economic Zone", area_ha=405)
        rashakai.citations = [cite(source, "incentives", "2024-10-10")]
        make_zone("dhabeji", name="Dhabeji Special Economic Zone", area_ha=619, status="under_development")
        make_zone("naryn", country="KG", name="Naryn Free Economic Zone", area_ha=405)
        sector = make_sector("textiles", {"en": "Textiles", "ru": "Текстиль"})
        make_opportunity("denim-mill", sector=sector, min_usd=8_000_000, max_usd=25_000_000)
        make_opportunity("spinning-mill", sector=sector, min_usd=8_000_000, max_usd=25_000_000)
        make_opportunity("secret-draft", sector=sector, state="draft")
        db.session.commit()


def _rows(page: str) -> dict[str, tuple[bool, list[str]]]:
    """{row label: (marked as differing, [cell texts])} of the comparison table."""
    rows = {}
    for row in re.findall(r"<tr( class=\"differs\")?>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", page, re.S):
        label = re.sub(r"<[^>]+>|differs", "", row[1]).strip()
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row[2], re.S)]
        rows[label] = (bool(row[0]), cells)
    return rows


def test_zones_side_by_side_in_the_order_asked_with_differences_marked(client, compared):
    page = client.get("/en/compare?zones=dhabeji,rashakai,naryn").get_data(as_text=True)
    assert page.index("Dhabeji Special Economic Zone") < page.index("Rashakai Special Economic Zone")
    rows = _rows(page)
    assert rows["Status"] == (True, ["Under development", "Operational", "Operational"])
    assert rows["Country"] == (True, ["Pakistan", "Pakistan", "Kyrgyzstan"])
    assert rows["Kind"][0] is False  # all three are special economic zones
    assert "As of October 10, 2024" in rows["Sources of the facts"][1][1]


def test_repeated_parameters_and_commas_mean_the_same(client, compared):
    one = client.get("/en/compare?zones=rashakai,naryn").get_data(as_text=True)
    other = client.get("/en/compare?zones=rashakai&zones=naryn").get_data(as_text=True)
    assert _rows(one) == _rows(other)


def test_removing_one_keeps_the_others_in_the_address(client, compared):
    page = client.get("/en/compare?zones=rashakai,naryn,dhabeji").get_data(as_text=True)
    assert 'href="/en/compare?zones=naryn,dhabeji"' in page
    assert 'href="/en/zones?compare=rashakai,naryn,dhabeji"' in page


def test_opportunities_side_by_side(client, compared):
    page = client.get("/ru/compare?opportunities=denim-mill,spinning-mill").get_data(as_text=True)
    rows = _rows(page)
    assert rows["Отрасль"] == (False, ["Текстиль", "Текстиль"])
    assert rows["Объём инвестиций"][0] is False


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_in_every_language(client, compared, lang):
    page = client.get(f"/{lang}/compare?zones=rashakai,naryn").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ur" else "ltr"}">' in page
    assert 'role="region"' in page and 'tabindex="0"' in page  # scrolls sideways within the table


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("zones=rashakai,naryn,dhabeji,a-b,c-d", 400, "At most four"),
        ("zones=rashakai&opportunities=denim-mill", 400, "not both at once"),
        ("zones=rashakai,nowhere", 404, ""),
        ("opportunities=secret-draft", 404, ""),
        ("zones=..%2F..%2Fetc", 404, ""),
        ("", 200, "Choose up to four"),
    ],
)
def test_bad_comparisons_get_a_clear_answer(client, compared, query, status, message):
    response = client.get(f"/en/compare?{query}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_lists_offer_to_compare_and_keep_what_was_ticked(client, compared):
    zones = client.get("/en/zones?compare=rashakai").get_data(as_text=True)
    assert 'action="/en/compare"' in zones
    assert 'name="zones" value="rashakai" id="compare-rashakai" checked' in zones
    assert 'name="zones" value="naryn" id="compare-naryn">' in zones
    listings = client.get("/en/opportunities").get_data(as_text=True)
    assert 'name="opportunities" value="denim-mill"' in listings
