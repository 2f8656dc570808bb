"""Every public page issues a bounded number of SQL statements, however many results it shows."""

from __future__ import annotations

import pytest

from tests.conftest import database
from tests.factories import make_opportunity, make_sector, make_zone

#: a listing's page, viewed first after a change, also fills the caches of sources and incentive rules
MAX_STATEMENTS = 7
LANGUAGES = ["en", "ur", "ru", "ky"]
PAGES = [
    "/{lang}/",
    "/{lang}/opportunities",
    "/{lang}/opportunities?q=mill&sector=s0&country=pk&stage=ready&min_usd=1&max_usd=900000000&sort=newest",
    "/{lang}/opportunities?zone=z0&page=2",
    "/{lang}/opportunities/o0",
    "/{lang}/sectors/s0",
    "/{lang}/zones",
    "/{lang}/zones/z0",
    "/{lang}/about",
    "/{lang}/accessibility",
]


def build(app, size: int) -> None:
    with database(app):
        _build(size)


def _build(size: int) -> None:
    sectors = [make_sector(f"s{i}", {"en": f"Sector {i}", "ru": f"Сектор {i}"}) for i in range(4)]
    zones = [make_zone(f"z{i}", country="PK" if i % 2 == 0 else "KG") for i in range(4)]
    for i in range(size):
        make_opportunity(
            f"o{i}",
            sector=sectors[i % 4],
            zone=zones[0] if i % 3 == 0 else zones[i % 4],
            country="PK",
            featured=i % 5 == 0,
            texts={
                "en": {"title": f"Mill {i}", "summary": "Mill.", "body": "A mill."},
                "ru": {"title": f"Фабрика {i}", "summary": "Фабрика.", "body": "Фабрика."},
            },
        )


@pytest.mark.parametrize("size", [30, 90])
def test_public_pages_issue_few_statements(app, count_queries, size):
    build(app, size)
    client = app.test_client()
    counts = {}
    for lang in LANGUAGES:
        for path in PAGES:
            url = path.format(lang=lang)
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[url] = len(counter)
    too_many = {url: n for url, n in counts.items() if n > MAX_STATEMENTS}
    assert not too_many, too_many


def test_statement_count_does_not_grow_with_results(app, count_queries):
    build(app, 12)
    client = app.test_client()
    client.get("/en/opportunities")  # sectors and zones are read once, then kept until they change
    with count_queries() as small:
        client.get("/en/opportunities")
    with database(app):
        for i in range(40):
            make_opportunity(f"extra{i}")
    client.get("/en/opportunities")
    with count_queries() as large:
        page = client.get("/en/opportunities").get_data(as_text=True)
    assert "52 opportunities found" in page
    assert len(large) == len(small)
