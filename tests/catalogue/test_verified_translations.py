"""Verified translations: investors are told which texts are drafts; curators clear the flags, per language."""

from __future__ import annotations

import re

import pytest

from portal.catalogue.models import Opportunity, Zone, ZoneText
from portal.core.extensions import db
from tests.catalogue.test_review import editor_data
from tests.conftest import database
from tests.factories import make_opportunity, make_zone
from tests.staff.accounts import csrf_from

DRAFT_NOTE = "Translation not yet verified by the agency"


@pytest.fixture
def texts(app, staff):
    """A published zone of BOI with a verified English and a draft Russian text, a Kyrgyz zone, a draft listing."""
    with database(app):
        zone = make_zone("rashakai", name="Rashakai Special Economic Zone")
        zone.texts["en"].verified = True
        zone.texts["ru"] = ZoneText(lang="ru", name="ОЭЗ Рашакай", summary="Зона.", incentives="- Льготы")
        make_zone("naryn", country="KG", name="Naryn Free Economic Zone")  # its English text is a draft too
        listing = make_opportunity(
            "denim-mill",
            state="draft",
            texts={
                "en": {"title": "Denim mill", "summary": "A mill.", "body": "A mill."},
                "ru": {"title": "Джинсовая фабрика", "summary": "Фабрика.", "body": "Фабрика."},
            },
        )
        db.session.commit()
        return {"zone": zone.id, "listing": listing.id}


def test_investors_see_a_discreet_note_on_draft_texts_only(client, texts):
    assert DRAFT_NOTE not in client.get("/en/zones/rashakai").get_data(as_text=True)
    russian = client.get("/ru/zones/rashakai").get_data(as_text=True)
    assert "ОЭЗ Рашакай" in russian and 'class="unverified"' in russian
    # no Kyrgyz text: the English one is shown, and said to be English, not a draft
    kyrgyz = client.get("/ky/zones/rashakai").get_data(as_text=True)
    assert 'class="unverified"' not in kyrgyz and 'class="notice" role="note"' in kyrgyz


def test_a_curator_verifies_a_published_zones_translation_through_review(app, signed_in, client, texts):
    writer = signed_in("curator_boi")
    url = f"/admin/zones/{texts['zone']}"
    page, data = editor_data(writer, url)
    assert re.search(r'href="#texts-ru">[^<]*, not verified', page)
    data["text_ru-verified"] = "y"
    saved = writer.post(url, data=data)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    assert 'class="unverified"' in client.get("/ru/zones/rashakai").get_data(as_text=True)  # not before review
    reviewer = signed_in("admin")
    review = reviewer.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Verified by the agency" in review
    version = re.search(r'name="version" value="(\d+)"', review).group(1)
    reviewer.post(saved.headers["Location"] + "/approve", data={"csrf_token": csrf_from(review), "version": version})
    assert 'class="unverified"' not in client.get("/ru/zones/rashakai").get_data(as_text=True)
    with database(app):
        zone = db.session.get(Zone, texts["zone"])
        assert zone.texts["ru"].verified and zone.texts["ru"].name == "ОЭЗ Рашакай"


def test_unticking_makes_a_text_a_draft_again_on_a_draft_listing_at_once(app, signed_in, texts):
    writer = signed_in("curator_boi")
    url = f"/admin/opportunities/{texts['listing']}"
    _, data = editor_data(writer, url)
    data["text_en-verified"] = "y"
    assert writer.post(url, data=data).status_code == 303
    with database(app):
        listing = db.session.get(Opportunity, texts["listing"])
        assert listing.texts["en"].verified and not listing.texts["ru"].verified


def test_the_list_of_what_awaits_verification(app, signed_in, texts):
    page = signed_in("curator_boi").get("/admin/translations").get_data(as_text=True)
    assert f'href="/admin/zones/{texts["zone"]}#texts-ru"' in page
    assert f'href="/admin/opportunities/{texts["listing"]}#texts-en"' in page
    assert f'href="/admin/zones/{texts["zone"]}#texts-en"' not in page  # verified
    assert "Naryn" not in page  # another agency's zone
    russian_only = signed_in("curator_boi").get("/admin/translations?lang=ru").get_data(as_text=True)
    assert "#texts-en" not in russian_only and "#texts-ru" in russian_only
    assert "Naryn" in signed_in("curator_nia").get("/admin/translations").get_data(as_text=True)
    assert signed_in("officer_boi").get("/admin/translations").status_code == 403
