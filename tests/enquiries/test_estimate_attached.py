"""An incentive estimate attached to an enquiry: stored as the investor saw it, in both mails, on the staff page."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from portal.staff.accounts import create_user
from tests.conftest import database
from tests.enquiries.conftest import VALID, csrf_token
from tests.enquiries.test_outbox import deliver_due
from tests.factories import cite, make_rule, make_source, make_zone
from tests.staff.accounts import PASSWORD, sign_in

FIGURES = "investment=10000000&imported_share=40&annual_profit=2000000&export_share=50&jobs=200&start_year=2027"


@pytest.fixture
def rules(app, agencies):
    with database(app):
        zone = make_zone("rashakai", name="Rashakai Special Economic Zone")
        source = make_source("sez-act", title="Special Economic Zones Act", published_on=date(2012, 7, 14))
        make_rule("sez-income-tax", (zone,), last_year=5, citations=[cite(source, "rule", "2025-08-04")])
        make_rule("sez-capital-goods", (zone,), basis="imported_equipment", general_rate=18, last_year=1)
        db.session.commit()


def _attach_link(client) -> str:
    page = client.get(f"/en/incentives?zone=rashakai&{FIGURES}").get_data(as_text=True)
    return re.search(r'href="(/en/enquire\?estimate=[^"]+)"', page).group(1).replace("&amp;", "&")


def test_the_estimate_travels_with_the_enquiry_to_both_mails(app, client, rules, smtp):
    link = _attach_link(client)
    form = client.get(link).get_data(as_text=True)
    assert "Attached: your incentive estimate" in form and "$3,620,000 over ten years from 2027" in form
    assert re.search(r'name="destination"[^>]*value="pk"[^>]*checked|checked[^>]*value="pk"', form)
    data = {**VALID, "destination": "pk", "csrf_token": csrf_token(form)}
    data["estimate"] = re.search(r'name="estimate" type="hidden" value="([^"]+)"', form).group(1).replace("&amp;", "&")
    assert client.post(link, data=data).status_code == 303
    with database(app):
        enquiry = db.session.scalar(select(Enquiry))
        assert enquiry.estimate["zone"] == "rashakai"
        assert enquiry.estimate["total"] == 3_620_000
        assert [line["total"] for line in enquiry.estimate["lines"]] == [2_900_000, 720_000]
        assert enquiry.estimate["lines"][0]["sources"][0]["title"] == "Special Economic Zones Act"
    assert deliver_due(app).sent == 2
    for message in smtp.messages:
        text = message.get_body(("plain",)).get_content()
        assert "Rashakai Special Economic Zone, $3,620,000 over ten years from 2027" in text
        assert "Sez income tax: $2,900,000" in text
        assert "https://portal.test/en/incentives?zone=rashakai&investment=10000000" in text


def test_the_staff_page_shows_the_figures_as_sent(app, client, rules):
    link = _attach_link(client)
    form = client.get(link).get_data(as_text=True)
    data = {**VALID, "destination": "pk", "csrf_token": csrf_token(form), "estimate": unquote(link.split("=", 1)[1])}
    assert client.post(link, data=data).status_code == 303
    with database(app):
        create_user("officer@example.org", "officer", "BOI", PASSWORD)
        reference = db.session.scalar(select(Enquiry.reference))
    staff = app.test_client()
    assert sign_in(staff, "officer@example.org").status_code == 303
    page = staff.get(f"/admin/enquiries/{reference}").get_data(as_text=True)
    assert "Incentive estimate attached" in page
    assert "$3,620,000" in page and "$2,900,000" in page


def test_an_estimate_that_cannot_be_read_is_said_so_and_nothing_is_sent(app, client, rules):
    url = "/en/enquire?estimate=zone%3Drashakai%26investment%3D-1"
    form = client.get(url).get_data(as_text=True)
    assert "The attached incentive estimate cannot be read." in form
    data = {**VALID, "destination": "pk", "csrf_token": csrf_token(form), "estimate": "zone=atlantis&investment=1"}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert 'href="#attached-estimate"' in response.get_data(as_text=True)
    with database(app):
        assert db.session.scalar(select(Enquiry)) is None
    # without it, the same enquiry goes
    data["estimate"] = ""
    assert client.post("/en/enquire", data=data).status_code == 303
