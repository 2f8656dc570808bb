"""Sectors and zones are listed in each language's alphabetical order (after a sector's position)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.catalogue.models import Sector, ZoneText
from tests.conftest import database
from tests.factories import make_opportunity, make_sector, make_zone

#: Kyrgyz zones whose slugs sort otherwise than their names: Ө comes after О and before П in Kyrgyz
KG_ZONES = {"a-talas": "Талас", "b-ozgon": "Өзгөн", "c-pristan": "Пристань", "d-osh": "Ош", "e-naryn": "Нарын"}
KY_ORDER = ["Нарын", "Ош", "Өзгөн", "Пристань", "Талас"]
#: Russian sector names: Ё sorts with Е
RU_SECTORS = {"a-food": "Жиры и масла", "b-fir": "Ёлочные игрушки", "c-power": "Электроэнергия", "d-ye": "Еда"}
RU_ORDER = ["Еда", "Ёлочные игрушки", "Жиры и масла", "Электроэнергия"]


@pytest.fixture
def kyrgyz_zones(app):
    with database(app):
        for slug, name in KG_ZONES.items():
            zone = make_zone(slug, country="KG")
            zone.texts["ky"] = ZoneText(lang="ky", name=name, summary="Зона.")
            zone.texts["ru"] = ZoneText(lang="ru", name=name, summary="Зона.")
        for slug, name in RU_SECTORS.items():
            make_opportunity(sector=make_sector(slug, {"en": slug, "ru": name}), country="KG")


def options(page: str, select: str) -> list[str]:
    """The names of a select's options, without their counts."""
    body = page.split(f'<select id="{select}"', 1)[1].split("</select>", 1)[0]
    names = re.findall(r"<option[^>]*>([^<]+)<", body)
    return [re.sub(r"\s*\([\d\s\u00a0\u202f]+\)$", "", name).strip() for name in names]


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_opportunity_filters_list_zones_in_the_languages_order(client, kyrgyz_zones, lang):
    page = client.get(f"/{lang}/opportunities").get_data(as_text=True)
    assert options(page, "zone")[1:] == KY_ORDER


def test_opportunity_filters_list_sectors_in_the_languages_order(client, kyrgyz_zones):
    page = client.get("/ru/opportunities").get_data(as_text=True)
    assert options(page, "sector")[1:] == RU_ORDER


def test_zones_page_lists_zones_in_the_languages_order(client, kyrgyz_zones):
    page = client.get("/ky/zones").get_data(as_text=True)
    kyrgyzstan = page.split('id="zones-kg"', 1)[1]
    assert re.findall(r'<h3 class="card-title"[^>]*><a [^>]*>([^<]+)</a>', kyrgyzstan) == KY_ORDER


def test_home_page_lists_sectors_and_zones_in_the_languages_order(client, kyrgyz_zones):
    page = client.get("/ru/").get_data(as_text=True)
    sectors = page.split('id="sectors-title"', 1)[1].split("</ul>", 1)[0]
    zones = page.split('id="zones-title"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"<span[^>]*>([^<]+)</span>\s*<span class=\"count\">", sectors) == RU_ORDER
    assert re.findall(r"<span[^>]*>([^<]+)</span>\s*<span class=\"count\">", zones) == KY_ORDER


def test_sectors_keep_their_position_before_their_name(app, client, kyrgyz_zones):
    with database(app) as session:
        for sector in session.scalars(select(Sector).where(Sector.slug != "c-power")):
            sector.position = 5
    page = client.get("/ru/opportunities").get_data(as_text=True)
    assert options(page, "sector")[1:] == ["Электроэнергия", "Еда", "Ёлочные игрушки", "Жиры и масла"]
