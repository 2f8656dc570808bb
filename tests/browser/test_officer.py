"""The investor's status page names their officer: read in Urdu on a phone, reached with the keyboard."""

from __future__ import annotations

from portal.core.time import utcnow
from portal.staff.accounts import create_user
from tests.conftest import database
from tests.factories import make_enquiries


def test_the_status_page_names_the_officer_in_urdu_on_a_phone(browser, demo_site):
    with database(demo_site):
        officer = create_user("sana@boi.example.org", "officer", "BOI", "correct horse battery", name="Sana Qureshi")
        officer.job_title = "Investment Facilitation Officer"
        officer.contact_email = "sana.qureshi@boi.example.org"
        officer.contact_consent_at = utcnow()
        (enquiry,) = make_enquiries(destination="pk", language="ur", email="officer-test@example.net")
        enquiry.assignee_id = officer.id
        reference = enquiry.reference
    context = browser.new_context(base_url=demo_site.base_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/ur/enquiries/status")
    page.locator("#reference").focus()
    page.keyboard.type(reference)
    page.keyboard.press("Tab")
    page.keyboard.type("officer-test@example.net")
    page.keyboard.press("Enter")
    officer_cell = page.locator("dd.officer")
    officer_cell.wait_for()
    assert "Sana Qureshi" in officer_cell.inner_text()
    assert "sana.qureshi@boi.example.org" in officer_cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    label = page.locator("dd.officer").bounding_box()
    assert label["x"] + label["width"] > 360 * 2 / 3  # read from the right
    context.close()
