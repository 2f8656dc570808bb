"""An investor's journey in each language, and the enquiry sent with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.catalogue import demo
from tests.conftest import database

LANGUAGES = ["en", "ur", "ru", "ky"]
SEARCH = {"en": "denim", "ur": "ڈینم", "ru": "деним", "ky": "деним"}


@pytest.fixture
def investor(browser, live_app):
    with database(live_app):
        demo.load()
    context = browser.new_context(base_url=live_app.base_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_browse_filter_search_enquire_and_check(investor, lang):
    page = investor
    page.goto(f"/{lang}/")
    page.locator(".tiles a[href$='/sectors/textiles']").click()
    page.locator("a.more[href*='sector=textiles']").click()
    page.locator("#country").select_option("pk")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"sector=textiles.*country=pk|country=pk.*sector=textiles"))
    page.locator("#q").fill(SEARCH[lang])
    page.locator("form.filters button[type=submit]").click()
    page.locator("a[href$='/opportunities/faisalabad-denim-finishing-plant']").first.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/opportunities/faisalabad-denim-finishing-plant$"))

    # The language switcher keeps the page.
    other = "ru" if lang != "ru" else "en"
    page.locator(f".language-switcher a[hreflang={other}]").click()
    expect(page).to_have_url(re.compile(rf"/{other}/opportunities/faisalabad-denim-finishing-plant$"))
    page.go_back()

    page.locator("a.button[href*='enquire?opportunity=faisalabad-denim-finishing-plant']").click()
    page.locator("#name").fill("Lena Petrova")
    page.locator("#email").fill("lena@example.net")
    page.locator("#country").select_option("KZ")
    page.locator("#investor_type-0").check()
    page.locator("#message").fill("We would like the site plan and the power tariff, please.")
    page.locator("#consent").check()
    page.locator("form.enquiry-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/enquire/sent$"))
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"PK-\d{4}-\d{5}", reference)

    page.goto(f"/{lang}/enquiries/status")
    page.locator("#reference").fill(reference)
    page.locator("#email").fill("lena@example.net")
    page.locator("form.status-form button[type=submit]").click()
    expect(page.locator(".receipt")).to_contain_text(reference)


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_enquiry_with_the_keyboard_alone(investor):
    page = investor
    page.goto("/en/opportunities/faisalabad-denim-finishing-plant")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, "a.button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/enquire\?opportunity="))

    tab_to(page, "#name")
    page.keyboard.type("Keyboard User")
    tab_to(page, "#email")
    page.keyboard.type("keys@example.net")
    tab_to(page, "#country")
    page.keyboard.type("Kazakhstan")
    tab_to(page, "input[name=investor_type]")
    page.keyboard.press("Space")
    tab_to(page, "#message")
    page.keyboard.type("Please send the investment memorandum for this plant.")
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    tab_to(page, "form.enquiry-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/enquire/sent$"))
    expect(page.locator(".reference")).to_have_text(re.compile(r"PK-\d{4}-\d{5}"))


def test_failed_submit_focuses_the_error_summary(investor):
    page = investor
    page.goto("/ur/enquire")
    page.locator("form.enquiry-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.locator("#name").get_attribute("aria-describedby") == "name-error"
