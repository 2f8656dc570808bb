"""A named officer: who works on an enquiry, told to the investor in their language, with the officer's consent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from tests.conftest import database, reload
from tests.enquiries.conftest import send_enquiry
from tests.enquiries.test_inbox import post_form
from tests.enquiries.test_outbox import deliver_due
from tests.enquiries.test_status_and_privacy import look_up
from tests.staff.accounts import csrf_from

INVESTOR = "aigerim@example.net"


@pytest.fixture
def enquiry(app, client, staff):
    """An enquiry to BOI sent from the Russian page, so the investor reads Russian."""
    assert send_enquiry(client, lang="ru", destination="pk").status_code == 303
    with database(app):
        return db.session.scalar(select(Enquiry))


def share_contact(browser, **changes):
    """The officer's account page, filled in and saved as a browser does."""
    page = browser.get("/admin/account").get_data(as_text=True)
    data = {
        "account-csrf_token": csrf_from(page),
        "account-name": "Sana Qureshi",
        "account-preferred_language": "en",
        "account-job_title": "Investment Facilitation Officer",
        "account-contact_email": "sana.qureshi@boi.example.org",
        "account-contact_phone": "+92 51 111 000 111",
        "account-show_contact": "y",
    }
    data.update(changes)
    return browser.post("/admin/account", data={key: value for key, value in data.items() if value is not None})


def assign(browser, enquiry, user_id):
    page_url = f"/admin/enquiries/{enquiry.reference}"
    return post_form(browser, f"{page_url}/assign", page_url, {"assign-assignee": str(user_id or "")})


def officer_mails(smtp):
    """What the investor was sent besides the acknowledgement of their enquiry."""
    return [m for m in smtp.to(INVESTOR) if not m["Subject"].endswith("получен")]


def test_the_investor_meets_their_officer_by_mail_and_on_the_status_page(app, client, signed_in, staff, enquiry, smtp):
    officer = signed_in("officer_boi")
    assert share_contact(officer).status_code == 303
    assert assign(officer, enquiry, staff["officer_boi"].id).status_code == 303
    deliver_due(app)
    (mail,) = officer_mails(smtp)
    body = mail.get_body(("plain",)).get_content()
    assert enquiry.reference in mail["Subject"]
    assert "Sana Qureshi, Investment Facilitation Officer" in body
    assert "sana.qureshi@boi.example.org" in body and "+92 51 111 000 111" in body
    assert "Уважаем" in body  # in the investor's language: the page they wrote from was Russian
    assert mail["Reply-To"] == "sana.qureshi@boi.example.org"
    status = look_up(client, enquiry.reference, INVESTOR, lang="ru").get_data(as_text=True)
    assert "Sana Qureshi" in status and "sana.qureshi@boi.example.org" in status


def test_without_consent_the_investor_learns_only_that_an_officer_works_on_it(
    app, client, signed_in, staff, enquiry, smtp
):
    officer = signed_in("officer_boi")
    assert share_contact(officer, **{"account-show_contact": None}).status_code == 303
    assign(officer, enquiry, staff["officer_boi"].id)
    deliver_due(app)
    (mail,) = officer_mails(smtp)
    body = mail.get_body(("plain",)).get_content()
    assert "Sana" not in body and "sana.qureshi" not in body and "+92 51" not in body
    assert mail["Reply-To"] == "boi-enquiries@example.com"  # the agency's own address
    status = look_up(client, enquiry.reference, INVESTOR, lang="en").get_data(as_text=True)
    assert "Sana" not in status and "An officer of the agency" in status


def test_reassignment_tells_the_investor_of_the_new_officer_and_unassigning_tells_nothing(
    app, signed_in, staff, enquiry, smtp
):
    officer = signed_in("officer_boi")
    share_contact(officer)
    assign(officer, enquiry, staff["officer_boi"].id)
    admin = signed_in("admin")
    assign(admin, enquiry, None)  # back to nobody: nothing to tell
    assign(admin, enquiry, staff["officer_boi"].id)
    deliver_due(app)
    first, second = officer_mails(smtp)
    assert first["Subject"] != second["Subject"]  # the second says the enquiry has a new contact
    with database(app):
        kinds = [message.kind for message in db.session.get(Enquiry, enquiry.id).messages]
    assert kinds == ["notification", "acknowledgement", "officer", "officer"]


def test_showing_ones_contact_needs_a_name_and_can_be_withdrawn(app, signed_in, staff):
    officer = signed_in("officer_boi")
    refused = share_contact(officer, **{"account-name": ""})
    assert refused.status_code == 400
    assert "Please give your name" in refused.get_data(as_text=True)
    assert reload(app, staff["officer_boi"]).contact_consent_at is None
    share_contact(officer)
    given = reload(app, staff["officer_boi"]).contact_consent_at
    assert given is not None
    share_contact(officer, **{"account-job_title": "Director"})  # consent stays as first given
    assert reload(app, staff["officer_boi"]).contact_consent_at == given
    share_contact(officer, **{"account-show_contact": None})
    assert reload(app, staff["officer_boi"]).contact_consent_at is None
