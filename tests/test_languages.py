"""Languages in the URL, the switcher, hreflang, direction and locale formatting."""

from __future__ import annotations

import re

import pytest
from flask import g

from portal.core import i18n
from tests.conftest import database
from tests.factories import make_opportunity, make_sector

LANGUAGES = ["en", "ur", "ru", "ky"]


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "/ru/"),
        ("ur-PK", "/ur/"),
        ("ky", "/ky/"),
        ("de-DE,de;q=0.9", "/en/"),
        ("", "/en/"),
        ("fr;q=0.9, ky;q=0.5", "/ky/"),
        ("ur-PK,en;q=0.9", "/ur/"),
        ("ru-RU,en-US;q=0.9,en;q=0.8", "/ru/"),
        ("ky-KG,*;q=0.1", "/ky/"),
        ("en;q=0, ru;q=0.2", "/ru/"),
    ],
)
def test_root_redirects_by_accept_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(expected)
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("key", ["_external", "_scheme", "endpoint", "_anchor", "_method", "lang", "values"])
def test_odd_query_keys_do_not_break_the_switcher(client, key):
    response = client.get(f"/ru/opportunities?{key}=x&q=denim")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/ky/opportunities?{key}=x&amp;q=denim"' in page


@pytest.mark.parametrize("lang, direction", [("en", "ltr"), ("ur", "rtl"), ("ru", "ltr"), ("ky", "ltr")])
def test_html_has_lang_and_direction(client, lang, direction):
    page = client.get(f"/{lang}/about").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_same_url_same_language_whatever_the_browser_says(client):
    english = client.get("/en/about", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="en"' in english


def test_switcher_keeps_page_and_query(client):
    page = client.get("/en/opportunities?q=denim&country=pk&page=1").get_data(as_text=True)
    switcher = page.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    links = dict(re.findall(r'href="([^"]+)" hreflang="(\w+)"', switcher))
    by_lang = {lang: url for url, lang in links.items()}
    for lang in LANGUAGES:
        assert by_lang[lang].startswith(f"/{lang}/opportunities?")
        assert "q=denim" in by_lang[lang] and "country=pk" in by_lang[lang]
    assert 'aria-current="true">English' in switcher


@pytest.mark.parametrize("path", ["/en/", "/ur/zones", "/ru/about", "/ky/opportunities?sector=x"])
def test_every_page_links_its_other_languages(client, path):
    page = client.get(path).get_data(as_text=True)
    alternates = re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', page)
    assert {lang for lang, _ in alternates} == {*LANGUAGES, "x-default"}
    suffix = path.split("/", 2)[2]
    for lang, href in alternates:
        if lang != "x-default":
            assert href == f"http://portal.test/{lang}/{suffix}".replace("&", "&amp;")


def test_switcher_on_a_detail_page(client, app):
    with database(app):
        make_opportunity("denim-mill", sector=make_sector())
    page = client.get("/ky/opportunities/denim-mill").get_data(as_text=True)
    assert 'href="/ur/opportunities/denim-mill" hreflang="ur" lang="ur"' in page


@pytest.mark.parametrize(
    "lang, amount, expected",
    [
        ("en", 25_000_000, "$25M"),
        ("en", 250_000, "$250K"),
        ("en", 1_500_000, "$1.5M"),
        ("ru", 25_000_000, "25\xa0млн\xa0$"),
        ("ky", 250_000, "250\xa0миң\xa0USD"),
        ("ur", 25_000_000, "$2.5\xa0کروڑ"),
    ],
)
def test_money_is_compact_and_localized(app, lang, amount, expected):
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert i18n.format_usd(amount) == expected


@pytest.mark.parametrize(
    "lang, expected",
    [("en", "Oct 31, 2026"), ("ru", "31 окт. 2026\u202fг."), ("ky", "2026-ж., 31-окт.")],
)
def test_dates_are_localized(app, lang, expected):
    from datetime import date

    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert i18n.format_day(date(2026, 10, 31)) == expected


def test_direction_comes_from_babel():
    assert i18n.text_direction("ur") == "rtl"
    assert i18n.text_direction("ky") == "ltr"
    assert i18n.language_name("ky") == "кыргызча"
