"""Facts with sources and dates, zone status, the corridor and the guides: seen by investors, kept by curators."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.catalogue.models import Agreement, Revision, Source, Zone
from portal.core.extensions import db
from portal.staff.models import AuditEntry
from tests.conftest import database, reload
from tests.factories import (
    cite,
    make_agreement,
    make_guide,
    make_opportunity,
    make_sector,
    make_source,
    make_trade_figures,
    make_zone,
)
from tests.staff.accounts import csrf_from

LANGUAGES = ["en", "ur", "ru", "ky"]


@pytest.fixture
def sourced(app):
    """A zone whose incentives cite an IMF report, a planned zone, and a listing in each."""
    with database(app):
        imf = make_source(
            "imf-eff",
            title="Pakistan: Request for an Extended Arrangement",
            publisher="International Monetary Fund",
            url="https://www.imf.org/pakistan-eff",
            published_on=date(2024, 10, 10),
        )
        zone = make_zone("rashakai", name="Rashakai Special Economic Zone")
        zone.citations = [cite(imf, "incentives", "2024-10-10"), cite(imf, "location", "2024-09-01")]
        planned = make_zone("at-bashi", country="KG", name="At-Bashi logistics centre", status="planned")
        sector = make_sector("textiles", {"en": "Textiles"})
        make_opportunity("denim-mill", sector=sector, zone=zone).citations = [cite(imf, "incentives", "2024-10-10")]
        make_opportunity("cold-store", country="KG", sector=sector, zone=planned)
        db.session.commit()
        return {"imf": imf.id, "zone": zone.id}


def test_a_zone_page_shows_each_fact_groups_sources_and_date(client, sourced):
    page = client.get("/en/zones/rashakai").get_data(as_text=True)
    assert "As of October 10, 2024" in page
    assert 'href="https://www.imf.org/pakistan-eff"' in page
    assert "Pakistan: Request for an Extended Arrangement" in page and "International Monetary Fund" in page
    assert "As of September 1, 2024" in page  # the location's own date
    russian = client.get("/ru/zones/rashakai").get_data(as_text=True)
    assert "10 октября 2024" in russian and "г.." not in russian


def test_zone_status_is_shown_and_filterable(client, sourced):
    page = client.get("/en/zones/at-bashi").get_data(as_text=True)
    assert "Planned" in page and "is planned and not yet built" in page
    listing = client.get("/en/opportunities/cold-store").get_data(as_text=True)
    assert "At-Bashi logistics centre is planned and not yet built" in listing
    assert "is planned" not in client.get("/en/opportunities/denim-mill").get_data(as_text=True)
    planned = client.get("/en/zones?status=planned").get_data(as_text=True)
    assert "/zones/at-bashi" in planned and "/zones/rashakai" not in planned
    every = client.get("/en/zones?status=nonsense").get_data(as_text=True)
    assert "/zones/at-bashi" in every and "/zones/rashakai" in every
    assert "Запланирована" in client.get("/ru/zones/at-bashi").get_data(as_text=True)


def test_a_listing_shows_its_sources_and_links_its_country_guide(client, sourced):
    page = client.get("/en/opportunities/denim-mill").get_data(as_text=True)
    assert "Sources of the facts on this page" in page and "International Monetary Fund" in page
    assert 'href="/en/invest-in/pakistan"' in page
    assert 'href="/en/invest-in/kyrgyzstan"' in client.get("/en/opportunities/cold-store").get_data(as_text=True)


def test_the_api_gives_status_and_sources(client, sourced):
    zone = client.get("/api/v1/zones/rashakai").get_json()
    assert zone["status"] == "operational"
    incentives = next(group for group in zone["facts"] if group["topic"] == "incentives")
    assert incentives["as_of"] == "2024-10-10"
    assert incentives["sources"][0]["url"] == "https://www.imf.org/pakistan-eff"
    assert [z["slug"] for z in client.get("/api/v1/zones?status=planned").get_json()["items"]] == ["at-bashi"]
    assert client.get("/api/v1/zones?status=open").status_code == 400
    assert client.get("/api/v1/sources").get_json()["items"][0]["key"] == "imf-eff"


@pytest.fixture
def corridor(app):
    with database(app):
        source = make_source("mofa-2024", publisher="Ministry of Foreign Affairs", published_on=date(2024, 11, 14))
        make_trade_figures(source)
        sector = make_sector("logistics", {"en": "Logistics", "ru": "Логистика"})
        make_agreement(
            "transit-trade",
            status="in_progress",
            sector_ids=[sector.id],
            citations=[cite(source, "general", "2024-11-14")],
            texts={
                "en": {"title": "Transit trade agreement", "parties": "Both governments", "summary": "Transit."},
                "ru": {"title": "Соглашение о транзитной торговле", "parties": "Правительства", "summary": "Транзит."},
            },
        )
        make_agreement("boi-nia-mou", status="signed", concluded_on=date(2024, 6, 5))
        make_guide("PK")
        make_guide("KG")
        db.session.commit()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_corridor_page_in_every_language(client, corridor, lang):
    response = client.get(f"/{lang}/corridor")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert page.count('class="agreement"') == 2
    assert 'href="https://invest.gov.pk/mofa-2024"' in page
    assert f'href="/{lang}/sectors/logistics"' in page
    assert f'href="/{lang}/corridor/feed.atom"' in page


def test_the_corridor_shows_figures_with_periods_and_agreements_newest_first(client, corridor):
    page = client.get("/en/corridor").get_data(as_text=True)
    for figure in ("$11.2M", "$5.18M", "$100M"):
        assert figure in page
    assert "Fiscal year 2022–23" in page
    assert page.index("Transit trade agreement") < page.index("Boi nia mou")
    assert "Under way" in page
    russian = client.get("/ru/corridor").get_data(as_text=True)
    assert "Соглашение о транзитной торговле" in russian and "Идёт работа" in russian


def test_the_tracker_has_a_feed(client, corridor):
    response = client.get("/en/corridor/feed.atom")
    assert response.content_type.startswith("application/atom+xml")
    feed = response.get_data(as_text=True)
    assert feed.count("<entry>") == 2
    assert "Transit trade agreement — Under way" in feed


@pytest.mark.parametrize("page", ["pakistan", "kyrgyzstan"])
def test_a_guide_per_country(client, corridor, page):
    response = client.get(f"/en/invest-in/{page}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Checked against its sources as of May 11, 2026" in text
    for heading in ("Registering a company", "Visas for investors", "Repatriating profits and capital"):
        assert heading in text


def test_an_unknown_guide_is_not_found(client, corridor):
    assert client.get("/en/invest-in/narnia").status_code == 404


# Curators


def _form(client, url: str) -> tuple[str, str]:
    page = client.get(url).get_data(as_text=True)
    return page, csrf_from(page)


def test_a_curator_adds_a_source_and_cites_it_through_review(app, signed_in, client):
    with database(app):
        zone = make_zone("naryn", country="KG", name="Naryn Free Economic Zone")
        db.session.commit()
        zone_id = zone.id
    writer = signed_in("curator_nia")
    _, token = _form(writer, "/admin/sources/new")
    added = writer.post(
        "/admin/sources/new",
        data={
            "csrf_token": token,
            "key": "kg-fez-law",
            "title": "Закон Кыргызской Республики «О свободных экономических зонах»",
            "publisher": "Ministry of Justice of the Kyrgyz Republic",
            "url": "https://cbd.minjust.gov.kg/fez",
            "published_on": "2023-01-10",
        },
    )
    assert added.status_code == 303
    with database(app):
        source_id = db.session.scalar(select(Source.id).where(Source.key == "kg-fez-law"))
    page, token = _form(writer, f"/admin/zones/{zone_id}")
    assert "Закон Кыргызской Республики" in page  # offered in the citation rows
    data = {
        "csrf_token": token,
        "slug": "naryn",
        "country": "KG",
        "kind": "fez",
        "status": "under_development",
        "region": "kg-bishkek",
        "agency": re.search(r'<option selected value="(\d+)">NIA', page).group(1),
        "text_en-name": "Naryn Free Economic Zone",
        "citations-0-topic": "incentives",
        "citations-0-source": str(source_id),
        "citations-0-as_of": "2023-01-10",
    }
    saved = writer.post(f"/admin/zones/{zone_id}", data=data)
    assert saved.status_code == 303 and "/admin/revisions/" in saved.headers["Location"]
    assert "As of" not in client.get("/en/zones/naryn").get_data(as_text=True)  # not before a second person approves

    reviewer = signed_in("admin")
    revision_page, token = _form(reviewer, saved.headers["Location"])
    version = re.search(r'name="version" value="(\d+)"', revision_page).group(1)
    approved = reviewer.post(saved.headers["Location"] + "/approve", data={"csrf_token": token, "version": version})
    assert approved.status_code == 303
    public = client.get("/en/zones/naryn").get_data(as_text=True)
    assert "As of January 10, 2023" in public and "https://cbd.minjust.gov.kg/fez" in public
    assert "Under development" in public
    with database(app):
        assert reload(app, db.session.get(Zone, zone_id)).status == "under_development"
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"source.create", "zone.revision", "zone.approve"} <= actions


def test_a_citation_needs_a_known_source_and_a_date(app, signed_in):
    with database(app):
        zone = make_zone("dhabeji")
        source = make_source("sindh")
        db.session.commit()
        zone_id, source_id = zone.id, source.id
    writer = signed_in("curator_boi")
    page, token = _form(writer, f"/admin/zones/{zone_id}")
    agency = re.search(r'<option selected value="(\d+)">BOI', page).group(1)
    base = {
        "csrf_token": token,
        "slug": "dhabeji",
        "country": "PK",
        "kind": "sez",
        "region": "pk-sindh",
        "agency": agency,
        "text_en-name": "Dhabeji",
    }
    undated = writer.post(
        f"/admin/zones/{zone_id}",
        data={**base, "citations-0-topic": "land", "citations-0-source": str(source_id)},
    )
    assert undated.status_code == 400
    assert "Please give the date the facts were so" in undated.get_data(as_text=True)
    unknown = writer.post(
        f"/admin/zones/{zone_id}",
        data={**base, "citations-0-topic": "land", "citations-0-source": "999", "citations-0-as_of": "2025-01-01"},
    )
    assert unknown.status_code == 400
    with database(app):
        assert db.session.scalar(select(Revision.id)) is None


def test_curators_of_either_agency_keep_the_tracker_and_review_each_other(app, signed_in, client):
    with database(app):
        source = make_source("jbc-2025")
        sector = make_sector("textiles", {"en": "Textiles"})
        db.session.commit()
        source_id, sector_id = source.id, sector.id
    writer = signed_in("curator_boi")
    _, token = _form(writer, "/admin/agreements/new")
    saved = writer.post(
        "/admin/agreements/new",
        data={
            "csrf_token": token,
            "slug": "joint-business-council",
            "concluded_on": "2025-02-01",
            "status": "in_progress",
            "sector_ids": [str(sector_id)],
            "citations-0-topic": "general",
            "citations-0-source": str(source_id),
            "citations-0-as_of": "2025-02-01",
            "text_en-title": "Joint Business Council",
            "text_en-parties": "The two chambers of commerce",
            "text_ky-title": "Биргелешкен ишкердик кеңеши",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    assert "Joint Business Council" not in client.get("/en/corridor").get_data(as_text=True)
    # the writer may not approve their own change; a curator of the other agency may
    assert "/approve" not in writer.get(saved.headers["Location"]).get_data(as_text=True)
    reviewer = signed_in("curator_nia")
    revision_page, token = _form(reviewer, saved.headers["Location"])
    # the reviewer reads the facts as facts: the sector by name, the source by title and date
    assert "Textiles" in revision_page and "Report jbc-2025 (Board of Investment), 2025-02-01" in revision_page
    version = re.search(r'name="version" value="(\d+)"', revision_page).group(1)
    assert reviewer.post(saved.headers["Location"] + "/approve", data={"csrf_token": token, "version": version})
    page = client.get("/ky/corridor").get_data(as_text=True)
    assert "Биргелешкен ишкердик кеңеши" in page
    assert "Joint Business Council" in client.get("/en/corridor/feed.atom").get_data(as_text=True)
    with database(app):
        agreement = db.session.scalar(select(Agreement))
        assert agreement.concluded_on == date(2025, 2, 1) and agreement.sector_ids == [sector_id]


def test_an_officer_cannot_touch_sources_or_the_tracker(signed_in, staff):
    officer = signed_in("officer_boi")
    for url in ("/admin/sources", "/admin/agreements/new", "/admin/trade-figures", "/admin/guides"):
        assert officer.get(url).status_code == 403


def test_correcting_a_source_waits_for_a_second_person(app, signed_in, client, sourced):
    writer = signed_in("curator_boi")
    page, token = _form(writer, f"/admin/sources/{sourced['imf']}")
    assert "Pakistan: Request for an Extended Arrangement" in page
    saved = writer.post(
        f"/admin/sources/{sourced['imf']}",
        data={
            "csrf_token": token,
            "key": "imf-eff",
            "title": "Pakistan: First Review under the Extended Arrangement",
            "publisher": "International Monetary Fund",
            "url": "https://www.imf.org/pakistan-eff",
            "published_on": "2025-05-09",
        },
    )
    assert saved.status_code == 303 and "/admin/revisions/" in saved.headers["Location"]
    assert "Request for an Extended Arrangement" in client.get("/en/zones/rashakai").get_data(as_text=True)
    reviewer = signed_in("admin")
    revision_page, token = _form(reviewer, saved.headers["Location"])
    version = re.search(r'name="version" value="(\d+)"', revision_page).group(1)
    reviewer.post(saved.headers["Location"] + "/approve", data={"csrf_token": token, "version": version})
    public = client.get("/en/zones/rashakai").get_data(as_text=True)
    assert "First Review under the Extended Arrangement" in public and "May 9, 2025" in public


def test_an_undated_page_says_when_it_was_consulted(app, client, sourced):
    with database(app):
        source = db.session.get(Source, sourced["imf"])
        source.published_on, source.consulted_on = None, date(2026, 11, 30)
        db.session.commit()
    assert "undated; consulted on November 30, 2026" in client.get("/en/zones/rashakai").get_data(as_text=True)
    source = client.get("/api/v1/zones/rashakai").get_json()["facts"][0]["sources"][0]
    assert source["published_on"] is None and source["consulted_on"] == "2026-11-30"
