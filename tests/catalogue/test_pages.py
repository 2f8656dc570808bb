"""The public pages show what an investor came for, in the page's language."""

from __future__ import annotations

import re

import pytest

from tests.conftest import database
from tests.factories import make_opportunity, make_sector, make_trade_figures, make_zone

LANGUAGES = ["en", "ur", "ru", "ky"]


@pytest.fixture
def catalogue(app):
    with database(app):
        textiles = make_sector("textiles", {"en": "Textiles", "ru": "Текстиль", "ur": "ٹیکسٹائل", "ky": "Текстиль"})
        zone = make_zone(
            "rashakai", name="Rashakai Special Economic Zone", area_ha=405, latitude=34.05, longitude=71.98
        )
        denim = make_opportunity(
            "denim-mill",
            texts={
                "en": {
                    "title": "Denim mill in Faisalabad",
                    "summary": "Denim for export.",
                    "body": "## The opportunity\n\nA **denim** mill.\n\n<script>alert(1)</script>",
                },
                "ru": {"title": "Джинсовая фабрика", "summary": "Деним на экспорт.", "body": "Фабрика."},
            },
            sector=textiles,
            zone=zone,
            featured=True,
            min_usd=8_000_000,
            max_usd=25_000_000,
        )
        draft = make_opportunity(
            "secret-draft",
            state="draft",
            sector=textiles,
            texts={"en": {"title": "Unpublished plan", "summary": "", "body": ""}},
        )
        make_trade_figures()
        return {"sector": textiles, "zone": zone, "denim": denim, "draft": draft}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_shows_featured_sectors_zones_and_corridor(client, catalogue, lang):
    page = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ur" else "ltr"}">' in page
    assert "/opportunities/denim-mill" in page
    assert "/sectors/textiles" in page
    assert "/zones/rashakai" in page
    assert "<svg" in page and "<script" not in page
    figures = {"en": ["$11.2M", "$5.18M", "$100M"], "ru": ["11,2\xa0млн\xa0$", "5,18\xa0млн\xa0$", "100\xa0млн\xa0$"]}
    for figure in figures.get(lang, []):
        assert figure in page


def test_home_counts_published_opportunities_per_sector(client, catalogue):
    page = client.get("/en/").get_data(as_text=True)
    assert re.search(r"Textiles</span>\s*<span class=\"count\">1 opportunity</span>", page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_detail_page_shows_key_facts(client, catalogue, lang):
    response = client.get(f"/{lang}/opportunities/denim-mill")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"/{lang}/enquire?opportunity=denim-mill" in page
    assert f"/{lang}/zones/rashakai" in page
    assert f"/{lang}/sectors/textiles" in page


def test_detail_page_in_english_lists_facts(client, catalogue):
    page = client.get("/en/opportunities/denim-mill").get_data(as_text=True)
    for fact in (
        "Textiles",
        "Pakistan",
        "Punjab",
        "Rashakai Special Economic Zone",
        "$8M – $25M",
        "Greenfield project",
        "Ready for investment",
        "Board of Investment",
        "Oct 31, 2026",
    ):
        assert fact in page, fact


def test_detail_renders_markdown_and_strips_scripts(client, catalogue):
    page = client.get("/en/opportunities/denim-mill").get_data(as_text=True)
    assert "<strong>denim</strong>" in page
    assert "<h2>The opportunity</h2>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, never run
    assert "<script>" not in page


def test_detail_in_russian_uses_russian_text(client, catalogue):
    page = client.get("/ru/opportunities/denim-mill").get_data(as_text=True)
    assert "Джинсовая фабрика" in page
    assert "Пакистан" in page
    assert "8\xa0млн\xa0$ – 25\xa0млн\xa0$" in page


def test_missing_translation_falls_back_to_english_with_notice(client, catalogue):
    page = client.get("/ur/opportunities/denim-mill").get_data(as_text=True)
    assert 'lang="en" dir="ltr">Denim mill in Faisalabad</h1>' in page
    assert "انگریزی" in page  # the notice, in Urdu, says the text is shown in English


def test_draft_is_not_public(client, catalogue):
    assert client.get("/en/opportunities/secret-draft").status_code == 404
    assert "Unpublished plan" not in client.get("/en/opportunities").get_data(as_text=True)
    assert "Unpublished plan" not in client.get("/en/sectors/textiles").get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sector_page_lists_its_opportunities(client, catalogue, lang):
    page = client.get(f"/{lang}/sectors/textiles").get_data(as_text=True)
    assert "/opportunities/denim-mill" in page
    assert {"en": "Textiles", "ru": "Текстиль", "ur": "ٹیکسٹائل", "ky": "Текстиль"}[lang] in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_zones_index_and_zone_page(client, catalogue, lang):
    index = client.get(f"/{lang}/zones").get_data(as_text=True)
    assert f"/{lang}/zones/rashakai" in index
    page = client.get(f"/{lang}/zones/rashakai").get_data(as_text=True)
    assert "/opportunities/denim-mill" in page
    assert "Ten years without income tax" in page
    assert "Zone company" in page


def test_zone_page_shows_area_and_kind_in_english(client, catalogue):
    page = client.get("/en/zones/rashakai").get_data(as_text=True)
    assert "405 hectares" in page
    assert "Special economic zone" in page
    assert "Khyber" not in page  # the zone is in Sindh in this test
    assert "Sindh" in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_about_page_names_both_agencies(client, catalogue, lang):
    with database(client.application):
        make_zone("bishkek-fez", country="KG", kind="fez")
    page = client.get(f"/{lang}/about").get_data(as_text=True)
    assert "boi-enquiries@example.com" in page
    assert "nia-enquiries@example.com" in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accessibility_statement_is_linked_from_every_page(client, catalogue, lang):
    for path in ("/", "/opportunities", "/zones", "/about", "/no-such-page"):
        page = client.get(f"/{lang}{path}").get_data(as_text=True)
        assert f'href="/{lang}/accessibility"' in page, path
    statement = client.get(f"/{lang}/accessibility")
    assert statement.status_code == 200
    assert "WCAG" in statement.get_data(as_text=True)
