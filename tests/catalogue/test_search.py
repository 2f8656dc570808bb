"""Full-text search finds opportunities by words in any language, on both databases."""

from __future__ import annotations

import pytest

from portal.catalogue import query, words
from tests.conftest import database
from tests.factories import make_opportunity, make_sector


@pytest.fixture
def catalogue(app):
    with database(app):
        it = make_sector("it-software")
        textiles = make_sector("textiles")
        make_opportunity(
            "software-park",
            sector=it,
            country="KG",
            texts={
                "en": {"title": "Software export studio", "summary": "Outsourcing hub.", "body": "Engineers."},
                "ru": {
                    "title": "Студия экспорта программного обеспечения",
                    "summary": "Аутсорсинг.",
                    "body": "Инженеры и ёлочные игрушки.",
                },
                "ky": {
                    "title": "Программалык камсыздоо студиясы",
                    "summary": "Аутсорсинг борбору.",
                    "body": "Инженерлер.",
                },
                "ur": {"title": "سافٹ ویئر ایکسپورٹ اسٹوڈیو", "summary": "آؤٹ سورسنگ مرکز", "body": "انجینئرز"},
            },
        )
        make_opportunity(
            "denim-mill",
            sector=textiles,
            country="PK",
            texts={
                "en": {"title": "Denim finishing plant", "summary": "Cotton to denim.", "body": "Textile exports."},
                "ur": {"title": "ڈینم فنشنگ پلانٹ", "summary": "کپاس سے ڈینم", "body": "ٹیکسٹائل برآمدات"},
            },
        )
        make_opportunity(
            "hidden-draft",
            state="draft",
            sector=textiles,
            texts={"en": {"title": "Denim draft", "summary": "", "body": ""}},
        )


def slugs(client, query: str) -> list[str]:
    page = client.get("/en/opportunities?" + query).get_data(as_text=True)
    return sorted(s for s in ("software-park", "denim-mill", "hidden-draft") if f'/opportunities/{s}"' in page)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=denim", ["denim-mill"]),  # English
        ("q=DENIM", ["denim-mill"]),  # case folded
        ("q=textil", ["denim-mill"]),  # prefix of a word in the body
        ("q=программного", ["software-park"]),  # Cyrillic, Russian
        ("q=ПРОГРАММНОГО", ["software-park"]),  # Cyrillic upper case
        ("q=студиясы", ["software-park"]),  # Kyrgyz
        ("q=елочные", ["software-park"]),  # е finds ё
        ("q=کپاس", ["denim-mill"]),  # Urdu
        ("q=ٹیکسٹائل", ["denim-mill"]),  # Urdu, in the body
        ("q=denim+plant", ["denim-mill"]),
        ("q=denim+software", ["denim-mill", "software-park"]),  # a listing need not have every word
        ("q=nothing-like-this", []),
    ],
)
def test_search_finds_opportunities_by_words_in_any_language(client, catalogue, query, expected):
    assert slugs(client, query) == expected


def test_search_respects_other_filters(client, catalogue):
    assert slugs(client, "q=studio&country=kg") == ["software-park"]
    assert slugs(client, "q=studio&country=pk") == []
    assert slugs(client, "q=denim&sector=textiles") == ["denim-mill"]
    assert slugs(client, "q=denim&sector=it-software") == []


def test_search_never_returns_unpublished(client, catalogue):
    assert "hidden-draft" not in slugs(client, "q=draft")


def test_search_reports_result_count(client, catalogue):
    page = client.get("/en/opportunities?q=denim").get_data(as_text=True)
    assert "1 opportunity found" in page


@pytest.mark.parametrize(
    "text, terms",
    [
        ("Denim  plant", ["denim", "plant"]),
        ('"; DROP TABLE opportunity; --', ["drop", "table", "opportunity"]),
        ("ёлка", ["елка"]),
        ("ab:* & cd | !ef", ["ab", "cd", "ef"]),
        ("___", []),
        ("the and of", []),  # stopwords only
        ("x" * 1000, ["x" * words.MAX_WORD]),
        (" ".join(["ww"] * 50), ["ww"] * query.MAX_WORDS),
    ],
)
def test_query_is_reduced_to_safe_words(text, terms):
    assert query.query_words(text) == terms


@pytest.mark.parametrize("query", ['"', "*", "NEAR(a b)", "a OR", "AND", "(", ":*", "!!", "\\", "'"])
def test_query_syntax_of_either_database_is_harmless(client, catalogue, query):
    response = client.get("/en/opportunities", query_string={"q": query})
    assert response.status_code == 200
