"""Filters, facet counts, sorting and pagination of the opportunity list."""

from __future__ import annotations

import re

import pytest

from tests.conftest import database
from tests.factories import make_opportunity, make_sector, make_zone


@pytest.fixture
def catalogue(app):
    with database(app):
        textiles = make_sector("textiles", {"en": "Textiles"})
        energy = make_sector("energy", {"en": "Energy"})
        rashakai = make_zone("rashakai", name="Rashakai SEZ")
        naryn = make_zone("naryn-fez", country="KG", kind="fez", name="Naryn FEZ")
        make_opportunity(
            "pk-textile-small",
            sector=textiles,
            zone=rashakai,
            stage="ready",
            min_usd=500_000,
            max_usd=2_000_000,
            published_days_ago=3,
        )
        make_opportunity(
            "pk-textile-large",
            sector=textiles,
            stage="concept",
            min_usd=40_000_000,
            max_usd=90_000_000,
            published_days_ago=1,
            featured=True,
        )
        make_opportunity(
            "kg-energy",
            sector=energy,
            country="KG",
            zone=naryn,
            stage="feasibility",
            min_usd=100_000_000,
            max_usd=200_000_000,
            published_days_ago=2,
        )
        make_opportunity(
            "kg-textile",
            sector=textiles,
            country="KG",
            stage="ready",
            min_usd=5_000_000,
            max_usd=8_000_000,
            published_days_ago=5,
        )


def listed(client, query: str = "") -> list[str]:
    page = client.get("/en/opportunities?" + query).get_data(as_text=True)
    return re.findall(r'href="/en/opportunities/([a-z0-9-]+)"', page)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("sector=textiles", {"pk-textile-small", "pk-textile-large", "kg-textile"}),
        ("country=kg", {"kg-energy", "kg-textile"}),
        ("country=KG", {"kg-energy", "kg-textile"}),
        ("zone=rashakai", {"pk-textile-small"}),
        ("stage=ready", {"pk-textile-small", "kg-textile"}),
        ("min_usd=50000000", {"pk-textile-large", "kg-energy"}),
        ("max_usd=6000000", {"pk-textile-small", "kg-textile"}),
        ("min_usd=3000000&max_usd=50000000", {"pk-textile-large", "kg-textile"}),
        ("min_usd=50000000&max_usd=3000000", {"pk-textile-large", "kg-textile"}),  # swapped
        ("sector=textiles&country=pk&stage=concept", {"pk-textile-large"}),
    ],
)
def test_filters_narrow_the_list(client, catalogue, query, expected):
    assert set(listed(client, query)) == expected


def test_facet_counts_apply_the_other_filters(client, catalogue):
    page = client.get("/en/opportunities?country=kg").get_data(as_text=True)
    # Sector counts are within Kyrgyzstan; country counts ignore the country filter.
    assert re.search(r'value="textiles"\s*>Textiles \(1\)', page)
    assert re.search(r'value="energy"\s*>Energy \(1\)', page)
    assert re.search(r'value="pk"\s*>Pakistan \(2\)', page)
    assert re.search(r'value="kg" selected>Kyrgyzstan \(2\)', page)
    assert re.search(r'value="ready"\s*>Ready for investment \(1\)', page)


def test_sorting(client, catalogue):
    assert listed(client)[0] == "pk-textile-large"  # featured first
    assert listed(client, "sort=newest") == ["pk-textile-large", "kg-energy", "pk-textile-small", "kg-textile"]
    assert listed(client, "sort=amount_asc")[0] == "pk-textile-small"
    assert listed(client, "sort=amount_desc")[0] == "kg-energy"


def test_pagination_keeps_filters(app, catalogue):
    app.config["PAGE_SIZE"] = 2
    client = app.test_client()
    first = client.get("/en/opportunities?sector=textiles").get_data(as_text=True)
    assert "3 opportunities found" in first
    assert len(re.findall(r'class="card"', first)) == 2
    assert 'href="/en/opportunities?sector=textiles&amp;page=2"' in first
    second = client.get("/en/opportunities?sector=textiles&page=2").get_data(as_text=True)
    assert len(re.findall(r'class="card"', second)) == 1
    assert client.get("/en/opportunities?sector=textiles&page=3").status_code == 404


def test_result_count_and_empty_result(client, catalogue):
    page = client.get("/en/opportunities?country=kg&sector=energy&stage=ready").get_data(as_text=True)
    assert "0 opportunities found" in page
    assert "No opportunities match these filters" in page


def test_filters_work_without_javascript(client, catalogue):
    page = client.get("/en/opportunities").get_data(as_text=True)
    assert 'method="get"' in page
    assert "<script" not in page


def test_counts_and_orders_worked_out_in_memory_agree_with_the_database(app, catalogue):
    """The shelf's facet counts and sort orders equal what SQL's GROUP BY and ORDER BY give, for every
    combination of filters, with listings missing amounts, sharing dates, drafts and one archived."""
    import itertools

    from sqlalchemy import func, select
    from werkzeug.datastructures import MultiDict

    from portal.catalogue import content, search
    from portal.catalogue.models import Opportunity
    from portal.catalogue.shelf import COLUMNS
    from portal.core.extensions import db

    with database(app):
        sector = db.session.scalar(select(Opportunity).where(Opportunity.slug == "kg-textile")).sector
        for i, (low, high) in enumerate([(None, None), (None, 3_000_000), (700_000, None), (700_000, None)]):
            make_opportunity(f"extra-{i}", sector=sector, min_usd=low, max_usd=high, published_days_ago=2)
        make_opportunity("a-draft", sector=sector, state="draft")
        make_opportunity("archived", sector=sector, state="archived")

    columns = COLUMNS
    orders = {
        "featured": [Opportunity.featured.desc(), Opportunity.published_at.desc(), Opportunity.id.desc()],
        "newest": [Opportunity.published_at.desc(), Opportunity.id.desc()],
        "amount_asc": [Opportunity.min_usd.asc().nulls_last(), Opportunity.id.asc()],
        "amount_desc": [Opportunity.max_usd.desc().nulls_last(), Opportunity.id.desc()],
    }

    def where(filters, exclude=None):
        out = [Opportunity.state == "published"]
        for facet, value in search._facet_values(filters).items():
            if value is not None and facet != exclude:
                out.append(columns[facet] == value)
        if filters.min_usd is not None:
            out.append(func.coalesce(Opportunity.max_usd, Opportunity.min_usd) >= filters.min_usd)
        if filters.max_usd is not None:
            out.append(func.coalesce(Opportunity.min_usd, Opportunity.max_usd) <= filters.max_usd)
        return out

    choices = {
        "sector": ["", "textiles", "energy"],
        "country": ["", "kg"],
        "zone": ["", "rashakai", "naryn-fez"],
        "stage": ["", "ready"],
        "min_usd": ["", "1000000"],
        "max_usd": ["", "6000000"],
        "sort": list(orders),
    }
    with app.test_request_context("/en/opportunities"):
        sectors = {s.slug: s for s in content.public_sectors()}
        zones = {z.slug: z for z in content.public_zones()}
        for values in itertools.product(*choices.values()):
            args = MultiDict({k: v for k, v in zip(choices, values, strict=True) if v})
            filters = search.parse_filters(args, sectors, zones)
            expected = {}
            for facet, column in columns.items():
                rows = db.session.execute(select(column, func.count()).where(*where(filters, facet)).group_by(column))
                expected[facet] = {str(value): n for value, n in rows if value is not None}
            assert search.facet_counts(filters) == expected, dict(args)
            ordered = select(Opportunity.slug).where(*where(filters)).order_by(*orders[filters.sort])
            ordered = db.session.scalars(ordered)
            assert [item.slug for item in search.find(filters, "en", 100).items] == list(ordered), dict(args)
