"""Investors check their enquiry's status; personal data goes after the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.models import Enquiry
from tests.conftest import database, make_app, reload
from tests.enquiries.conftest import VALID, csrf_token, send_enquiry

NOT_FOUND = "We could not find an enquiry with this reference number and e-mail address"


def look_up(client, reference, email, lang="en"):
    form = client.get(f"/{lang}/enquiries/status").get_data(as_text=True)
    return client.post(
        f"/{lang}/enquiries/status", data={"reference": reference, "email": email, "csrf_token": csrf_token(form)}
    )


@pytest.fixture
def enquiry(app, client, agencies):
    send_enquiry(client, destination="pk")
    with database(app):
        return db.session.scalar(select(Enquiry))


def test_status_lookup_ignores_case_of_non_ascii_addresses(app, client, agencies):
    send_enquiry(client, destination="kg", email="ÄLEX@example.net".replace("Ä", "A"))
    with database(app):
        reference = db.session.scalar(select(Enquiry.reference))
    assert NOT_FOUND not in look_up(client, reference, "alex@EXAMPLE.NET").get_data(as_text=True)


def test_status_shows_state_and_dates(app, client, enquiry):
    with database(app):
        db.session.get(Enquiry, enquiry.id).status = "answered"
    page = look_up(client, enquiry.reference.lower(), "AIGERIM@example.net").get_data(as_text=True)
    assert enquiry.reference in page
    assert "Answered" in page
    assert f'datetime="{enquiry.reply_by.isoformat()}"' in page


def test_status_is_in_the_page_language(client, enquiry):
    page = look_up(client, enquiry.reference, "aigerim@example.net", "ru").get_data(as_text=True)
    assert '<html lang="ru"' in page
    assert enquiry.reference in page
    assert "Received, not yet handled" not in page


@pytest.mark.parametrize(
    "reference, email",
    [
        ("PK-2026-99999", "aigerim@example.net"),  # no such reference
        (None, "someone-else@example.net"),  # right reference, wrong e-mail
        ("' OR 1=1 --", "aigerim@example.net"),
    ],
)
def test_a_wrong_pair_reveals_nothing(client, enquiry, reference, email):
    response = look_up(client, reference or enquiry.reference, email)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert NOT_FOUND in page
    assert "Aigerim" not in page and 'class="receipt"' not in page


def test_a_json_lookup_is_refused_not_a_500(client, enquiry):
    form = client.get("/en/enquiries/status").get_data(as_text=True)
    data = {"reference": 5, "email": ["a@example.org"], "csrf_token": csrf_token(form)}
    response = client.post("/en/enquiries/status", json=data)
    assert response.status_code == 400
    assert NOT_FOUND not in response.get_data(as_text=True)


def test_status_lookup_is_rate_limited(database_url, agencies):
    app = make_app(database_url, RATELIMIT_ENABLED=True, STATUS_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [look_up(client, "PK-2026-00001", "x@example.net", "ur").status_code for _ in range(4)]
    after = client.get("/ur/enquiries/status").status_code
    page = client.post("/ur/enquiries/status").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
    assert codes == [200, 200, 200, 429]
    assert after == 200  # reading the form is never limited
    assert 'lang="ur" dir="rtl"' in page


def test_enquiry_form_is_rate_limited_per_address(database_url, agencies):
    app = make_app(database_url, RATELIMIT_ENABLED=True, ENQUIRY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [send_enquiry(client, destination="pk").status_code for _ in range(3)]
    form = client.get("/en/enquire")  # reading the form is never limited
    other = app.test_client()
    token = csrf_token(other.get("/en/enquire").get_data(as_text=True))
    elsewhere = other.post(
        "/en/enquire",
        data={**VALID, "destination": "kg", "csrf_token": token},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    with app.app_context():
        db.engine.dispose()
    assert codes == [303, 303, 429]
    assert form.status_code == 200
    assert elsewhere.status_code == 303  # another address has its own allowance


def test_purge_anonymises_old_closed_enquiries_only(app, client, runner, agencies):
    for destination in ("pk", "kg", "pk"):
        send_enquiry(client, destination=destination)
    with database(app):
        old_closed, recent_closed, old_open = db.session.scalars(select(Enquiry).order_by(Enquiry.id)).all()
        long_ago = utcnow() - timedelta(days=400)
        old_closed.status, old_closed.closed_at = "closed", long_ago
        recent_closed.status, recent_closed.closed_at = "closed", utcnow() - timedelta(days=10)
        old_open.status, old_open.updated_at = "in_progress", long_ago

    result = runner.invoke(args=["enquiries", "purge", "--older-than", "365"])
    assert result.exit_code == 0
    assert "1 enquiries anonymised" in result.output
    with database(app):
        old_closed = db.session.get(Enquiry, old_closed.id)
        assert (old_closed.name, old_closed.email, old_closed.message, old_closed.phone) == ("", "", "", "")
        assert old_closed.anonymised_at is not None
        assert (old_closed.country, old_closed.investor_type, old_closed.agency.code) == ("KZ", "fund", "BOI")
        mails = old_closed.messages
        assert mails and all("Aigerim" not in m.text_body + m.html_body for m in mails)
        assert all(m.failed_at is not None for m in mails)  # unsent copies are never sent empty
    assert reload(app, recent_closed).name == "Aigerim Sadykova" and reload(app, old_open).name == "Aigerim Sadykova"
    # An anonymised enquiry cannot be looked up any more.
    assert NOT_FOUND in look_up(client, old_closed.reference, "aigerim@example.net").get_data(as_text=True)


def test_purge_needs_a_positive_number_of_days(runner):
    assert runner.invoke(args=["enquiries", "purge", "--older-than", "0"]).exit_code != 0
    assert runner.invoke(args=["enquiries", "purge", "--any-older-than", "-3"]).exit_code != 0


def test_purge_takes_any_old_enquiry_whatever_its_status_and_its_notes(app, client, runner, agencies, staff):
    """Finding 11: enquiries left open or answered were never purged, and staff notes kept personal data."""
    from portal.enquiries.models import EnquiryNote

    for destination in ("pk", "pk", "pk", "pk"):
        send_enquiry(client, destination=destination)
    with database(app):
        answered, open_, closed, recent = db.session.scalars(select(Enquiry).order_by(Enquiry.id)).all()
        years_ago = utcnow() - timedelta(days=4 * 365)
        answered.status, answered.created_at = "answered", years_ago
        open_.status, open_.created_at = "new", years_ago
        closed.status, closed.closed_at = "closed", utcnow() - timedelta(days=400)
        for item in (answered, recent):
            db.session.add(EnquiryNote(enquiry_id=item.id, author_id=staff["officer_boi"].id, body="Aigerim's cell"))

    result = runner.invoke(args=["enquiries", "purge"])  # RETENTION_CLOSED_DAYS=365, RETENTION_DAYS=1095
    assert result.exit_code == 0 and "3 enquiries anonymised" in result.output, result.output
    with database(app):
        notes = db.session.scalars(select(EnquiryNote.enquiry_id)).all()
        emails = dict(db.session.execute(select(Enquiry.id, Enquiry.email)).all())
    assert notes == [recent.id]
    assert emails == {answered.id: "", open_.id: "", closed.id: "", recent.id: "aigerim@example.net"}


def test_a_wrong_address_and_an_unknown_reference_cost_the_same(app, client, enquiry, count_queries):
    """Finding 14: an existing reference with a wrong address took longer (it loaded the agency as well)."""

    def statements(reference: str, email: str) -> list[str]:
        form = client.get("/en/enquiries/status").get_data(as_text=True)
        data = {"reference": reference, "email": email, "csrf_token": csrf_token(form)}
        with count_queries() as counter:
            page = client.post("/en/enquiries/status", data=data).get_data(as_text=True)
        assert NOT_FOUND in page
        return counter.statements

    wrong_address = statements(enquiry.reference, "someone.else@example.net")
    unknown_reference = statements("PK-2026-99999", "aigerim@example.net")
    assert wrong_address == unknown_reference
    right = look_up(client, enquiry.reference, "AIGERIM@example.net").get_data(as_text=True)
    assert NOT_FOUND not in right and enquiry.reference in right
