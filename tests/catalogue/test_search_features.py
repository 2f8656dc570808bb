"""What search does around the results: synonyms curators keep, an index that follows every change,
filters by kind of deal and region, highlighted words, and help when nothing is found."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.catalogue.models import Opportunity, Synonym
from portal.core.extensions import db
from portal.staff.models import AuditEntry
from tests.conftest import database, localized_message
from tests.factories import make_opportunity, make_sector
from tests.staff.accounts import csrf_from

CARD = re.compile(r'class="card-title"[^>]*><a href="/\w\w/opportunities/([a-z0-9-]+)"')


def found(client, lang="en", **args) -> list[str]:
    response = client.get(f"/{lang}/opportunities", query_string=args)
    assert response.status_code == 200
    return CARD.findall(response.get_data(as_text=True))


@pytest.fixture
def catalogue(app):
    with database(app):
        textiles = make_sector("textiles", {"en": "Textiles", "ru": "Текстиль"})
        make_opportunity(
            "denim-mill",
            sector=textiles,
            kind="joint_venture",
            region="pk-punjab",
            min_usd=1_000_000,
            max_usd=2_000_000,
            texts={
                "en": {
                    "title": "Denim finishing plant",
                    "summary": "Denim <b>finishing</b> for export & more.",
                    "body": "Stone washing.",
                },
                "ru": {"title": "Фабрика отделки денима", "summary": "Отделка денима на экспорт.", "body": "Стирка."},
            },
        )
        make_opportunity(
            "yarn-mill",
            sector=textiles,
            country="KG",
            kind="greenfield",
            region="kg-naryn",
            min_usd=3_000_000,
            max_usd=9_000_000,
            texts={"en": {"title": "Wool yarn mill", "summary": "Spinning yarn from wool.", "body": "Naryn wool."}},
        )
        make_opportunity(
            "solar-park",
            kind="ppp",
            region="pk-sindh",
            texts={"en": {"title": "Solar park", "summary": "Photovoltaic power.", "body": "Sun and panels."}},
        )


def test_a_listing_with_more_of_the_words_comes_first(client, catalogue):
    assert found(client, q="wool denim finishing")[0] == "denim-mill"
    assert set(found(client, q="wool denim finishing")) == {"denim-mill", "yarn-mill"}
    assert found(client, q="wool yarn denim")[0] == "yarn-mill"


def test_relevance_is_the_default_order_with_words_and_other_orders_stay(client, catalogue):
    page = client.get("/en/opportunities?q=solar").get_data(as_text=True)
    assert '<option value="relevance" selected>' in page
    page = client.get("/en/opportunities").get_data(as_text=True)
    assert 'value="relevance"' not in page  # no words, nothing to be relevant to
    assert found(client, q="textile", sort="amount_desc") == ["yarn-mill", "denim-mill"]
    assert found(client, q="textile", sort="amount_asc") == ["denim-mill", "yarn-mill"]


def test_matched_words_are_marked_and_the_rest_escaped(client, catalogue):
    page = client.get("/en/opportunities?q=finishing").get_data(as_text=True)
    summary = re.search(r'<p class="card-summary"[^>]*>(.*?)</p>', page).group(1)
    assert summary == "Denim &lt;b&gt;<mark>finishing</mark>&lt;/b&gt; for export &amp; more."
    page = client.get("/ru/opportunities", query_string={"q": "отделки"}).get_data(as_text=True)
    assert "<mark>Отделка</mark> денима" in page  # another form of the same word


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_filters_by_kind_of_deal_and_region_with_counts(client, catalogue, lang):
    assert found(client, lang, kind="joint_venture") == ["denim-mill"]
    assert found(client, lang, region="kg-naryn") == ["yarn-mill"]
    assert found(client, lang, kind="joint_venture", region="kg-naryn") == []
    page = client.get(f"/{lang}/opportunities?country=pk").get_data(as_text=True)
    assert re.search(r'<option value="ppp" >[^<]+\(1\)</option>', page)
    assert re.search(r'<option value="greenfield" >[^<]+\(0\)</option>', page)  # the Kyrgyz one is filtered out
    assert 'value="pk-sindh"' in page and 'value="kg-chui"' not in page  # regions with no listings are left out
    assert sorted(found(client, lang, kind="nonsense")) == ["denim-mill", "solar-park", "yarn-mill"]  # ignored


def test_nothing_found_offers_a_spelling_the_filters_to_drop_and_an_enquiry(client, catalogue):
    page = client.get("/en/opportunities?q=demin&country=pk").get_data(as_text=True)
    assert "0 opportunities found" in page
    assert 'Did you mean <a href="/en/opportunities?q=denim&amp;country=pk"><bdi>denim</bdi></a>?' in page
    page = client.get("/en/opportunities?q=denim&country=kg&kind=joint_venture").get_data(as_text=True)
    assert "0 opportunities found" in page and "Did you mean" not in page
    assert (
        'href="/en/opportunities?q=denim&amp;kind=joint_venture">Without the filter “Country”</a>: 1 opportunity'
        in page
    )
    assert (
        'href="/en/opportunities?q=denim&amp;country=kg">Without the filter “Kind of deal”</a>: 0 opportunities' in page
    )
    assert 'href="/en/enquire"' in page
    page = client.get("/ru/opportunities?q=qqqqqqq").get_data(as_text=True)
    assert "0" in page and "Did you mean" not in page and localized_message("Did you mean", "ru") not in page
    assert localized_message("Send a general enquiry", "ru") in page


def test_the_index_follows_publication_edits_and_archiving(app, client, catalogue):
    assert found(client, q="panels") == ["solar-park"]
    with database(app):
        item = db.session.scalar(select(Opportunity).where(Opportunity.slug == "solar-park"))
        item.texts["en"].body = "Sun and mirrors."
    assert found(client, q="panels") == []
    assert found(client, q="mirror") == ["solar-park"]
    with database(app):
        db.session.scalar(select(Opportunity).where(Opportunity.slug == "solar-park")).state = "archived"
    assert found(client, q="mirror") == []
    page = client.get("/en/opportunities?q=mirrorz").get_data(as_text=True)
    assert "Did you mean" not in page  # an archived listing's words are not suggested
    with database(app):
        db.session.scalar(select(Opportunity).where(Opportunity.slug == "solar-park")).state = "published"
    assert found(client, q="mirrors") == ["solar-park"]


def test_a_sector_renamed_is_found_by_its_new_name(app, client, catalogue):
    assert found(client, q="knitwear") == []
    with database(app):
        sector = db.session.scalar(select(Opportunity).where(Opportunity.slug == "yarn-mill")).sector
        sector.texts["en"].name = "Textiles and knitwear"
    assert set(found(client, q="knitwear")) == {"denim-mill", "yarn-mill"}


def test_curators_keep_the_synonyms(app, client, catalogue, signed_in):
    assert found(client, q="sunshine") == []
    curator = signed_in("curator_boi")
    page = curator.get("/admin/synonyms")
    assert page.status_code == 200 and "Киргизия" in page.get_data(as_text=True)  # the defaults
    token = csrf_from(page.get_data(as_text=True))
    refused = curator.post("/admin/synonyms", data={"new-csrf_token": token, "new-phrases": "sunshine"})
    assert refused.status_code == 422
    assert "at least two words or phrases" in refused.get_data(as_text=True)
    added = curator.post("/admin/synonyms", data={"new-csrf_token": token, "new-phrases": " sunshine ,, solar , "})
    assert added.status_code == 303
    assert found(client, q="sunshine") == ["solar-park"]
    with database(app):
        group = db.session.scalar(select(Synonym).where(Synonym.phrases == "sunshine, solar"))
        assert (
            db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_key == str(group.id))) == "synonym.add"
        )
    form = {f"s{group.id}-csrf_token": token, f"s{group.id}-phrases": "sunshine, wool"}
    assert curator.post(f"/admin/synonyms/{group.id}", data={**form, "action": "save"}).status_code == 303
    assert found(client, q="sunshine") == ["yarn-mill"]
    assert curator.post(f"/admin/synonyms/{group.id}", data={**form, "action": "delete"}).status_code == 303
    assert found(client, q="sunshine") == []
    assert curator.post(f"/admin/synonyms/{group.id}", data={**form, "action": "save"}).status_code == 404
    assert signed_in("officer_boi").get("/admin/synonyms").status_code == 403
    assert curator.post("/admin/synonyms", data={"new-phrases": "aa, bb"}).status_code == 400  # no CSRF token
