"""In a real browser: two curators publish a listing; an officer answers an enquiry the investor then sees."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.staff.accounts import create_user
from tests.conftest import database
from tests.factories import make_agency, make_enquiries, make_sector

PASSWORD = "correct horse battery"


def sign_in(page, email):
    page.goto("/admin/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/admin/login"))


def test_listing_and_enquiry_journeys(browser, live_app, page):
    with database(live_app):
        make_agency("BOI", "PK")
        make_agency("NIA", "KG")
        make_sector("textiles", {"en": "Textiles", "ru": "Текстиль"})
        for email, role in (
            ("writer@boi.example", "curator"),
            ("reviewer@boi.example", "curator"),
            ("officer@boi.example", "officer"),
        ):
            create_user(email, role, "BOI", PASSWORD)
        (enquiry,) = make_enquiries(destination="pk")

    # A curator writes the listing in English and Russian and submits it.
    sign_in(page, "writer@boi.example")
    page.goto("/admin/opportunities/new")
    page.locator("#slug").fill("lahore-denim-laundry")
    page.locator("#sector").select_option(label="Textiles")
    page.locator("#country").select_option("PK")
    page.locator("#region").select_option("pk-punjab")
    page.locator("#min_usd").fill("3000000")
    page.locator("#max_usd").fill("9000000")
    page.locator("#text_en-title").fill("Denim laundry in Lahore")
    page.locator("#text_en-summary").fill("Washing and finishing for export denim.")
    page.locator("#text_en-body").fill("## The opportunity\n\nA laundry for **denim**.")
    page.locator("#text_ru-title").fill("Прачечная для денима в Лахоре")
    page.locator("#text_ru-summary").fill("Стирка и отделка экспортного денима.")
    page.locator("#text_ru-body").fill("Прачечная.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/opportunities/\d+$"))
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("button", name="Back to draft")).to_be_visible()
    expect(page.locator("main")).to_contain_text("In review")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)  # not for the one who submitted
    sign_out(page)

    # A second curator of the agency publishes it.
    sign_in(page, "reviewer@boi.example")
    page.goto("/admin/opportunities")
    page.get_by_role("link", name="Denim laundry in Lahore").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("main")).to_contain_text("Published")
    sign_out(page)

    # The public sees it, in both languages.
    page.goto("/en/opportunities")
    expect(page.get_by_role("link", name="Denim laundry in Lahore")).to_be_visible()
    page.goto("/ru/opportunities")
    page.get_by_role("link", name="Прачечная для денима в Лахоре").click()
    expect(page.locator("h1")).to_have_text("Прачечная для денима в Лахоре")

    # An officer answers the enquiry.
    sign_in(page, "officer@boi.example")
    page.goto("/admin/enquiries")
    page.get_by_role("link", name=enquiry.reference).click()
    page.get_by_label("Status").select_option(label="Answered")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("main")).to_contain_text("Status changed")
    sign_out(page)

    # The investor checks the status.
    page.goto("/en/enquiries/status")
    page.get_by_label("Reference number").fill(enquiry.reference)
    page.get_by_label("E-mail address used for the enquiry").fill("farah@example.net")
    page.get_by_role("button", name="Check status").click()
    expect(page.locator(".status")).to_have_text("Answered")
