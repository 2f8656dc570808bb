"""`flask --app portal seed --demo` loads a sample catalogue that looks real and says it is a sample."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.agencies.models import Agency
from portal.catalogue.models import (
    Agreement,
    Guide,
    Opportunity,
    OpportunityText,
    Sector,
    Source,
    TradeFigure,
    Zone,
    ZoneText,
)
from portal.core.extensions import db
from tests.conftest import database

LANGUAGES = {"en", "ur", "ru", "ky"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_catalogue_is_big_enough(app, seeded):
    with database(app):
        addresses = {a.code: a.enquiry_email for a in db.session.scalars(select(Agency))}
        counts = {model: count(model) for model in (Sector, Zone, Opportunity)}
        by_country = dict(
            db.session.execute(select(Opportunity.country, func.count()).group_by(Opportunity.country)).all()
        )
    assert addresses == {"BOI": "boi-enquiries@example.com", "NIA": "nia-enquiries@example.com"}
    assert counts[Sector] >= 8 and counts[Zone] >= 10 and counts[Opportunity] >= 40
    assert by_country["PK"] >= 15 and by_country["KG"] >= 15


def test_demo_zones_are_named_after_real_ones(app, seeded):
    with database(app):
        names = set(db.session.scalars(select(ZoneText.name).where(ZoneText.lang == "en")))
    for real in (
        "Rashakai",
        "Dhabeji",
        "Allama Iqbal",
        "Bostan",
        "Moqpondass",
        "Bishkek",
        "Naryn",
        "Karakol",
        "Maimak",
        "Leilek",
        "High Technology Park",
        "At-Bashi",
    ):
        assert any(real in name for name in names), real


def test_every_demo_text_is_in_all_four_languages(app, seeded):
    with database(app):
        for model in (Agency, Sector, Zone, Opportunity):
            for item in db.session.scalars(select(model)):
                assert set(item.texts) == LANGUAGES, (model.__name__, item.id)
        empty = db.session.scalar(
            select(func.count())
            .select_from(OpportunityText)
            .where((OpportunityText.title == "") | (OpportunityText.summary == "") | (OpportunityText.body == ""))
        )
    assert empty == 0


def first_slug(app) -> str:
    with database(app):
        return db.session.scalar(select(Opportunity.slug).limit(1))


def test_demo_is_published_and_marked_as_sample(app, seeded, client):
    with database(app):
        assert db.session.scalar(select(func.count()).where(Opportunity.is_sample.is_(False))) == 0
        assert db.session.scalar(select(func.count()).where(Opportunity.state != "published")) == 0
    page = client.get(f"/en/opportunities/{first_slug(app)}").get_data(as_text=True)
    assert "Sample" in page


def test_seeding_twice_changes_nothing(app, seeded, runner):
    def counts():
        with database(app):
            models = (Agency, Sector, Zone, Opportunity, OpportunityText, Source, Agreement, TradeFigure, Guide)
            return {model: count(model) for model in models}

    before = counts()
    again = runner.invoke(args=["seed", "--demo"])
    assert again.exit_code == 0
    assert "0 opportunities," in again.output and "0 sources," in again.output
    assert counts() == before


def test_if_empty_leaves_a_catalogue_alone(seeded, runner):
    result = runner.invoke(args=["seed", "--demo", "--if-empty"])
    assert "not empty" in result.output


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_demo_pages_render_in_every_language(app, seeded, client, lang):
    slug = first_slug(app)
    for path in (
        "/",
        "/opportunities",
        f"/opportunities/{slug}",
        "/zones",
        "/zones/naryn-fez",
        "/sectors/textiles",
        "/about",
        "/opportunities?q=textile",
    ):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, path


def test_every_demo_zone_and_listing_shows_a_dated_source(app, seeded, client):
    with database(app):
        sources = {s.id for s in db.session.scalars(select(Source))}
        pages = [f"/en/zones/{z.slug}" for z in db.session.scalars(select(Zone))]
        pages += [f"/en/opportunities/{o.slug}" for o in db.session.scalars(select(Opportunity))]
        for model in (Zone, Opportunity, Agreement, TradeFigure, Guide, Sector, Agency):
            for item in db.session.scalars(select(model)):
                assert item.citations, (model.__name__, item.id)
                assert {c["source"] for c in item.citations} <= sources
    for page in pages:
        text = client.get(page).get_data(as_text=True)
        assert 'class="backing"' in text and "As of " in text, page


def test_the_demo_makes_no_claim_the_portal_cannot_keep(app, seeded, client):
    for lang, claims in {
        "en": ["five working days", "joint platform", "share halal standards", "ready warehouses"],
        "ru": ["пяти рабочих дней", "совместная платформа"],
    }.items():
        for path in ("/", "/about", "/zones/bishkek-fez", "/corridor"):
            page = client.get(f"/{lang}{path}").get_data(as_text=True)
            for claim in claims:
                assert claim not in page, (lang, path, claim)
    bishkek = client.get("/en/zones/bishkek-fez").get_data(as_text=True)
    assert "new territory" in bishkek or "new site" in bishkek
    at_bashi = client.get("/en/zones/at-bashi-logistics-centre").get_data(as_text=True)
    assert "Planned" in at_bashi and "2020" in at_bashi
