"""Curators write listings in several languages; a second person publishes; the public sees only that."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.agencies.models import Agency
from portal.catalogue.models import Opportunity, Zone
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.mail.models import OutboxMessage
from portal.staff.accounts import create_user
from portal.staff.models import AuditEntry
from tests.conftest import database, reload
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_opportunity, make_sector
from tests.staff.accounts import PASSWORD, csrf_from, sign_in


@pytest.fixture
def sector(app, staff):
    with database(app):
        return make_sector("textiles", {"en": "Textiles"})


def agency_id(app, code):
    with database(app):
        return db.session.scalar(select(Agency.id).where(Agency.code == code))


def listing_form(client, sector, **changes):
    token = csrf_from(client.get("/admin/opportunities/new").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "slug": "sialkot-surgical-steel",
        "sector": str(sector.id),
        "country": "PK",
        "region": "pk-punjab",
        "zone": "",
        "agency": str(agency_id(client.application, "BOI")),
        "min_usd": "2000000",
        "max_usd": "6000000",
        "kind": "joint_venture",
        "stage": "ready",
        "text_en-title": "Surgical steel works in Sialkot",
        "text_en-summary": "Instruments for export.",
        "text_en-body": "## The opportunity\n\nA **steel** works.",
        "text_ru-title": "Завод хирургической стали в Сиалкоте",
        "text_ru-summary": "Инструменты на экспорт.",
        "text_ru-body": "Завод.",
    }
    data.update(changes)
    return client.post("/admin/opportunities/new", data={k: v for k, v in data.items() if v is not None})


def stored_listing(app, slug="sialkot-surgical-steel") -> Opportunity | None:
    with database(app):
        return db.session.scalar(select(Opportunity).where(Opportunity.slug == slug))


def new_curator(app, email):
    with database(app):
        create_user(email, "curator", "BOI", PASSWORD)
    client = app.test_client()
    sign_in(client, email)
    return client


def act(client, item, action):
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    return client.post(f"/admin/opportunities/{item.id}/state", data={"csrf_token": token, "action": action})


def test_write_submit_publish_by_a_second_curator(app, signed_in, staff, sector):
    writer = signed_in("curator_boi")
    response = listing_form(writer, sector)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with database(app):
        item = db.session.scalar(select(Opportunity).where(Opportunity.slug == "sialkot-surgical-steel"))
        assert item.state == "draft" and set(item.texts) == {"en", "ru"}
    public = app.test_client()
    assert public.get("/en/opportunities/sialkot-surgical-steel").status_code == 404
    preview = writer.get("/en/opportunities/sialkot-surgical-steel")
    assert preview.status_code == 200 and "not public" in preview.get_data(as_text=True)
    assert preview.headers["Cache-Control"] == "private, no-store"

    assert act(writer, item, "submit").status_code == 303
    assert act(writer, item, "publish").status_code == 303  # refused: the writer cannot publish
    assert reload(app, item).state == "in_review"
    assert "Another curator" in writer.get(f"/admin/opportunities/{item.id}").get_data(as_text=True)

    assert act(signed_in("curator_nia"), item, "publish").status_code == 404  # another agency's listing
    assert act(signed_in("officer_boi"), item, "publish").status_code == 403
    assert act(signed_in("admin"), item, "return").status_code == 303
    # A colleague who only submits does not make the writer a second person.
    colleague = new_curator(app, "colleague@example.org")
    assert act(colleague, item, "submit").status_code == 303
    assert act(writer, item, "publish").status_code == 303
    assert reload(app, item).state == "in_review"  # the writer edited it last: still refused
    assert act(colleague, item, "publish").status_code == 303
    assert reload(app, item).state == "in_review"  # the colleague submitted it: refused too
    assert act(signed_in("admin"), item, "publish").status_code == 303
    item = reload(app, item)
    assert item.state == "published" and item.last_verified_at is not None
    listing = public.get("/ru/opportunities").get_data(as_text=True)
    assert "Завод хирургической стали в Сиалкоте" in listing
    with database(app):
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_key == item.slug).order_by(AuditEntry.id)
        ).all()
    assert actions == [
        "opportunity.create",
        "opportunity.submit",
        "opportunity.return",
        "opportunity.submit",
        "opportunity.publish",
    ]


def test_a_second_curator_of_the_agency_publishes(app, signed_in, sector):
    writer = signed_in("curator_boi")
    listing_form(writer, sector)
    item = stored_listing(app)
    act(writer, item, "submit")
    reviewer = new_curator(app, "reviewer@example.org")
    assert act(reviewer, item, "publish").status_code == 303
    assert reload(app, item).state == "published"
    response = app.test_client().get("/en/opportunities/sialkot-surgical-steel")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


def test_archived_listing_disappears_publicly(app, signed_in, sector):
    with database(app):
        item = make_opportunity(
            "old-mill", sector=sector, texts={"en": {"title": "Old mill", "summary": "s", "body": "b"}}
        )
    public = app.test_client()
    assert public.get("/en/opportunities/old-mill").status_code == 200
    assert act(signed_in("curator_boi"), item, "archive").status_code == 303
    assert public.get("/en/opportunities/old-mill").status_code == 404
    assert "Old mill" not in public.get("/en/opportunities").get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"text_en-title": "", "text_en-summary": "", "text_en-body": ""}, "at least the English title"),
        ({"text_ru-title": ""}, "needs a title"),
        ({"slug": "Bad Slug!"}, "lower-case Latin letters"),
        ({"min_usd": "9000000", "max_usd": "100"}, "must not be below"),
        ({"region": "kg-naryn"}, "not in the chosen country"),
        ({"min_usd": "lots"}, "Not a valid integer"),
    ],
)
def test_bad_listing_input_is_explained(app, signed_in, sector, changes, message):
    response = listing_form(signed_in("curator_boi"), sector, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored_listing(app) is None


def test_preview_renders_markdown_without_saving(app, signed_in, sector):
    response = listing_form(signed_in("curator_boi"), sector, preview="1")
    assert response.status_code == 200
    assert "<strong>steel</strong>" in response.get_data(as_text=True)
    assert stored_listing(app) is None


def test_curator_cannot_file_a_listing_under_another_agency(app, signed_in, sector):
    response = listing_form(signed_in("curator_boi"), sector, agency=str(agency_id(app, "NIA")))
    assert response.status_code == 400
    assert stored_listing(app) is None


def test_stale_listings_are_listed_and_reverified_in_one_click(app, signed_in, sector):
    with database(app):
        item = make_opportunity(
            "stale-one", sector=sector, texts={"en": {"title": "Stale one", "summary": "", "body": ""}}
        )
        item.last_verified_at = utcnow() - timedelta(days=200)
    curator = signed_in("curator_boi")
    dashboard = curator.get("/admin/").get_data(as_text=True)
    assert "Stale one" in dashboard
    token = csrf_from(dashboard)
    response = curator.post(f"/admin/opportunities/{item.id}/verify", data={"csrf_token": token, "back": "dashboard"})
    assert response.status_code == 303
    assert "Stale one" not in curator.get("/admin/").get_data(as_text=True)
    assert reload(app, item).last_verified_at > utcnow() - timedelta(minutes=1)


def test_officers_do_not_curate(signed_in):
    officer = signed_in("officer_nia")
    assert officer.get("/admin/opportunities").status_code == 403
    assert officer.get("/admin/opportunities/new").status_code == 403


def edit_agency(admin, agency: int, **fields: str):
    """Post the agency editor as a browser would, with the English name and ``fields``."""
    token = csrf_from(admin.get(f"/admin/agencies/{agency}").get_data(as_text=True))
    data = {"csrf_token": token, "text_en-name": "National Investment Agency", **fields}
    return admin.post(f"/admin/agencies/{agency}", data=data)


def test_admin_changes_where_an_agencys_enquiries_go(app, client, signed_in, staff):
    response = edit_agency(
        signed_in("admin"),
        agency_id(app, "NIA"),
        website="https://invest.gov.kg",
        enquiry_email="desk@nia.example, chief@nia.example",
        reply_days="3",
        notification_language="ky",
        **{"text_en-description": "Helps investors.", "text_ky-name": "Улуттук инвестициялар агенттиги"},
    )
    assert response.status_code == 303
    send_enquiry(client, destination="kg")
    with database(app):
        notifications = select(OutboxMessage).where(OutboxMessage.kind == "notification")
        messages = db.session.scalars(notifications).all()
        change = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agency.edit"))
    assert {m.recipient for m in messages} == {"desk@nia.example", "chief@nia.example"}
    assert "KG-" in messages[0].subject and "New enquiry" not in messages[0].subject  # written in Kyrgyz now
    assert change.changes["reply_days"] == [5, 3]


def test_an_agency_posted_without_its_website_field_keeps_no_website(app, signed_in, staff):
    """A client that leaves the field out (no browser does) gets no website, not a 500."""
    nia = agency_id(app, "NIA")
    response = edit_agency(
        signed_in("admin"), nia, enquiry_email="desk@nia.example", reply_days="3", notification_language="ru"
    )
    assert response.status_code == 303
    with database(app):
        assert db.session.get(Agency, nia).website == ""


def test_curator_adds_a_zone_that_appears_publicly(app, signed_in, staff):
    curator = signed_in("curator_nia")
    token = csrf_from(curator.get("/admin/zones/new").get_data(as_text=True))
    response = curator.post(
        "/admin/zones/new",
        data={
            "csrf_token": token,
            "slug": "tokmok-industrial-park",
            "country": "KG",
            "kind": "industrial_estate",
            "region": "kg-chui",
            "agency": str(agency_id(app, "NIA")),
            "latitude": "42.84",
            "longitude": "75.29",
            "area_ha": "120",
            "established": "2024",
            "text_en-name": "Tokmok Industrial Park",
            "text_en-summary": "Light industry.",
            "text_ru-name": "Индустриальный парк Токмок",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    # A zone is public as soon as it exists, so a second person approves it first.
    assert app.test_client().get("/ru/zones/tokmok-industrial-park").status_code == 404
    revision = response.headers["Location"]
    admin = signed_in("admin")
    token = csrf_from(admin.get(revision).get_data(as_text=True))
    assert admin.post(f"{revision}/approve", data={"csrf_token": token, "version": "1"}).status_code == 303
    page = app.test_client().get("/ru/zones/tokmok-industrial-park").get_data(as_text=True)
    assert "Индустриальный парк Токмок" in page
    with database(app):
        zone_id = db.session.scalar(select(Zone.id).where(Zone.slug == "tokmok-industrial-park"))
    assert signed_in("curator_boi").get(f"/admin/zones/{zone_id}").status_code == 404
