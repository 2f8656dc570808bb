"""Lists sorted for people follow each language's alphabet (CLDR collation), not the order of code points."""

from __future__ import annotations

import pytest

from portal.core import collation
from portal.core.translated import Translated


def test_english_sorts_aland_with_the_as():
    names = ["Zimbabwe", "Austria", "Åland Islands", "Bahamas", "Albania", "Côte d’Ivoire", "Croatia"]
    assert collation.collated(names, "en") == [
        "Åland Islands",
        "Albania",
        "Austria",
        "Bahamas",
        "Côte d’Ivoire",
        "Croatia",
        "Zimbabwe",
    ]


def test_kyrgyz_letters_follow_their_base_letters():
    names = ["Өзбекстан", "Пакистан", "Оман", "Үндөстан", "Улуу Британия", "Ңа", "Нигерия", "Фиджи", "Япония"]
    assert collation.collated(names, "ky") == [
        "Нигерия",
        "Ңа",
        "Оман",
        "Өзбекстан",
        "Пакистан",
        "Улуу Британия",
        "Үндөстан",
        "Фиджи",
        "Япония",
    ]


def test_russian_sorts_yo_with_ye():
    names = ["Ёлка", "Жуковский", "Ель", "Елена", "Дубай", "ёж", "Ежевика"]
    assert collation.collated(names, "ru") == ["Дубай", "ёж", "Ежевика", "Елена", "Ёлка", "Ель", "Жуковский"]


def test_urdu_follows_the_urdu_alphabet():
    """ٹ after ت, ڈ after د, ڑ after ر, ں after ن, then و ہ ھ ی ے: not the Arabic order of code points."""
    names = ["ٹماٹر", "ثمر", "تربوز", "ذرہ", "ڈاک", "دل", "ڑا", "زمین", "رات", "ے", "ی", "ہ", "ں", "و", "ن", "ھ"]
    assert collation.collated(names, "ur") == [
        "تربوز",
        "ٹماٹر",
        "ثمر",
        "دل",
        "ڈاک",
        "ذرہ",
        "رات",
        "ڑا",
        "زمین",
        "ن",
        "ں",
        "و",
        "ہ",
        "ھ",
        "ی",
        "ے",
    ]


def test_urdu_country_names():
    names = ["پاکستان", "ایران", "افغانستان", "چین", "بھارت", "ترکی", "ٹوگو"]
    assert collation.collated(names, "ur") == ["افغانستان", "ایران", "بھارت", "پاکستان", "ترکی", "ٹوگو", "چین"]


def test_collated_sorts_by_a_key_and_keeps_ties_in_order():
    rows = [(2, "Бишкек"), (1, "Ош"), (3, "Балыкчы"), (4, "Ош")]
    expected = [(3, "Балыкчы"), (2, "Бишкек"), (1, "Ош"), (4, "Ош")]
    assert collation.collated(rows, "ky", key=lambda row: row[1]) == expected


class Named(Translated):
    def __init__(self, slug: str, **names: str):
        self.slug = slug
        self.texts = {lang: type("Text", (), {"lang": lang, "name": name})() for lang, name in names.items()}


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("ky", ["naryn", "osh", "ozgon", "talas"]),
        # no Russian name for Özgön: its English one, which Russian sorts after every Cyrillic name
        ("ru", ["naryn", "osh", "talas", "ozgon"]),
        ("en", ["naryn", "osh", "ozgon", "talas"]),
    ],
)
def test_by_name_sorts_by_the_name_shown_in_the_language(lang, expected):
    """Each item's name in ``lang``, or the English one where it has none (as pages show it)."""
    items = [
        Named("talas", en="Talas", ru="Талас", ky="Талас"),
        Named("ozgon", en="Ozgon", ky="Өзгөн"),
        Named("naryn", en="Naryn", ru="Нарын", ky="Нарын"),
        Named("osh", en="Osh", ru="Ош", ky="Ош"),
    ]
    assert [item.slug for item in collation.by_name(items, lang)] == expected


def test_by_name_puts_a_first_key_before_the_name():
    items = [Named("b", en="Beta"), Named("a", en="Alpha"), Named("c", en="Gamma")]
    position = {"a": 1, "b": 0, "c": 0}
    ordered = collation.by_name(items, "en", first=lambda item: position[item.slug])
    assert [item.slug for item in ordered] == ["b", "c", "a"]
