"""Malformed or hostile input gets a 200 with the value ignored, or a localized 404 — never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import database
from tests.factories import make_opportunity, make_sector, make_zone

MARKUP = '<script>alert("x")</script>'


@pytest.fixture
def catalogue(app):
    with database(app):
        sector = make_sector("textiles")
        make_zone("rashakai")
        make_opportunity("denim-mill", sector=sector)


@pytest.mark.parametrize(
    "query",
    [
        "sector=" + MARKUP,
        "sector=no-such-sector",
        "country=xx",
        "country=" + MARKUP,
        "zone=../../etc/passwd",
        "stage=ready%27%20OR%201=1",
        "min_usd=-5",
        "min_usd=abc",
        "min_usd=1e9",
        "max_usd=99999999999999999999999999",
        "max_usd=%EF%BC%91%EF%BC%92",  # full-width digits
        "sort=id;DROP",
        "sort=" + MARKUP,
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "q=" + "a" * 10_000,
        "q=" + MARKUP,
        "q=%01%02%1b",
        "q=%F0%9F%98%80",
        "sector=textiles&sector=energy",
        "q[]=x&page[]=2",
    ],
)
def test_bad_filter_values_are_ignored(client, catalogue, query):
    response = client.get("/en/opportunities?" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert MARKUP not in page
    assert "<script" not in page


@pytest.mark.parametrize("query", ["stage=%00", "q=%00%01", "sector=textiles%00", "sector=textiles&sector=it%00"])
def test_nul_bytes_are_a_localized_400(client, catalogue, query):
    response = client.get("/ru/opportunities?" + query)
    assert response.status_code == 400
    assert '<html lang="ru"' in response.get_data(as_text=True)


def test_query_is_echoed_escaped(client, catalogue):
    page = client.get("/en/opportunities", query_string={"q": '"><b>bold</b>'}).get_data(as_text=True)
    assert "<b>bold</b>" not in page
    assert "&#34;&gt;&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("lang, words", [("en", "Page not found"), ("ru", "Страница не найдена")])
@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/opportunities?page=99999999999999999999",
        "/{lang}/opportunities?page=2",
        "/{lang}/opportunities/no-such-thing",
        "/{lang}/opportunities/" + "a" * 5000,
        "/{lang}/opportunities/%3Cscript%3E",
        "/{lang}/opportunities/..%2F..%2Fadmin",
        "/{lang}/sectors/nope",
        "/{lang}/sectors/" + MARKUP,
        "/{lang}/zones/nope",
        "/{lang}/zones/UPPER",
        "/{lang}/no-such-page",
    ],
)
def test_unknown_things_are_localized_404s(client, catalogue, path, lang, words):
    response = client.get(path.format(lang=lang))
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert words in page
    assert f'<html lang="{lang}"' in page
    assert "<script>" not in page


@pytest.mark.parametrize("path", ["/xx/", "/de/opportunities", "/EN/", "/en-us/", "/favicon.ico"])
def test_unknown_language_is_404_not_english(client, catalogue, path):
    response = client.get(path, headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert 'lang="ru"' in response.get_data(as_text=True)


def test_wrong_method_is_localized(client, catalogue):
    response = client.post("/ur/opportunities")
    assert response.status_code in (400, 405)  # CSRF rejects POSTs before routing can
    assert 'lang="ur" dir="rtl"' in response.get_data(as_text=True)
