"""The open data page: in every language, every address it names answers."""

from __future__ import annotations

import re

import pytest

from portal.catalogue import demo
from tests.conftest import database


@pytest.fixture
def catalogue(app):
    with database(app):
        demo.load()
    return app


@pytest.mark.parametrize("lang", ["en", "ur", "ru", "ky"])
def test_the_page_describes_every_operation_and_its_links_answer(client, catalogue, lang):
    page = client.get(f"/{lang}/open-data").get_data(as_text=True)
    for path in (
        "/opportunities",
        "/opportunities/{slug}",
        "/zones",
        "/zones/{slug}",
        "/sectors",
        "/agencies",
        "/response-times",
    ):
        assert f"GET {path}</code>" in page
    for name in ("q", "sector", "country", "zone", "stage", "kind", "region", "min_usd", "max_usd", "per_page"):
        assert f'<code dir="ltr">{name}</code>' in page
    links = set(re.findall(rf'href="(/(?:api/v1|{lang}/feed)[^"]*)"', page))
    assert any(link.endswith(".csv") for link in links) and any("feed.atom?sector=" in link for link in links)
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        response.close()
    assert f'href="/{lang}/open-data"' in client.get(f"/{lang}/").get_data(as_text=True)  # linked from the footer
