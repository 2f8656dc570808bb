"""Bad enquiries get a clear answer in the visitor's language and leave nothing behind."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from portal.mail.models import OutboxMessage
from tests.conftest import database
from tests.enquiries.conftest import VALID, csrf_token, send_enquiry
from tests.factories import make_opportunity, make_sector


def nothing_stored(client) -> bool:
    with database(client.application):
        return (
            db.session.scalar(select(func.count()).select_from(Enquiry)) == 0
            and db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"email": "not-an-address"}, "email", "Please enter a valid e-mail address"),
        ({"email": "a@b@c.com"}, "email", "Please enter a valid e-mail address"),
        ({"email": "victim@example.com\r\nBcc: many@example.com"}, "email", "Please enter a valid e-mail address"),
        ({"consent": None}, "consent", "Please agree to the privacy notice"),
        ({"name": ""}, "name", "Please enter your name"),
        ({"name": "Eve\r\nBcc: spam@example.com"}, "name", "Please use a single line"),
        ({"organisation": "ACME\nSubject: hi"}, "organisation", "Please use a single line"),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
        ({"message": "too short"}, "message", "between 20 and 5000 characters"),
        ({"message": "x" * 5001}, "message", "between 20 and 5000 characters"),
        ({"country": "XX"}, "country", "Not a valid choice"),
        ({"country": ""}, "country", "Please choose your country"),
        ({"investor_type": "pirate"}, "investor_type", "Not a valid choice"),
        ({"destination": None}, "destination", "Please choose where to send your enquiry"),
        ({"destination": "mars"}, "destination", "Not a valid choice"),
        ({"phone": "call me maybe"}, "phone", "Please enter a phone number"),
        ({"reply_language": "de"}, "reply_language", "Not a valid choice"),
    ],
)
def test_invalid_fields_are_shown_beside_the_field_and_in_the_summary(client, agencies, changes, field, message):
    response = send_enquiry(client, **changes)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert f'href="#{field}"' in page
    assert f'id="{field}-error"' in page
    assert message in page
    assert nothing_stored(client)


def test_what_was_typed_is_kept(client, agencies):
    page = send_enquiry(client, email="broken", message="I would like to build a textile plant here.").get_data(
        as_text=True
    )
    assert 'value="Aigerim Sadykova"' in page
    assert "I would like to build a textile plant here." in page
    assert re.search(r'<option[^>]*selected[^>]*value="KZ"|<option[^>]*value="KZ"[^>]*selected', page)


@pytest.mark.parametrize("changes", [{"email": "broken"}, {"country": "XX"}])
def test_errors_are_in_the_page_language(client, agencies, changes):
    page = send_enquiry(client, "ru", **changes).get_data(as_text=True)
    assert '<html lang="ru"' in page
    field = next(iter(changes))
    errors = page.split(f'id="{field}-error">', 1)[1].split("</ul>", 1)[0]
    assert re.search("[а-яА-Я]", errors)  # the message is in Russian
    assert not re.search(r"Please|valid", errors)


def test_markup_in_the_message_is_stored_as_text_and_escaped_in_mail(app, client, runner, agencies, smtp):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert send_enquiry(client, message=f"Hello agency {script} thanks").status_code == 303
    with database(app):
        assert db.session.scalar(select(Enquiry.message)).endswith(f"{script} thanks")
    assert runner.invoke(args=["outbox", "deliver"]).exit_code == 0
    for message in smtp.messages:
        html = message.get_body(("html",)).get_content()
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_missing_csrf_token_is_refused_keeping_what_was_typed(client, agencies):
    data = {**VALID, "destination": "pk"}
    response = client.post("/ky/enquire", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert VALID["message"] in page  # nothing typed is lost
    assert nothing_stored(client)


@pytest.mark.parametrize("field", ["message", "name"])
def test_nul_bytes_are_refused_not_a_500(client, agencies, field):
    response = send_enquiry(client, **{field: "hello\x00world, a message of some length"})
    assert response.status_code == 400
    assert nothing_stored(client)


def test_nul_bytes_in_a_multipart_body_are_refused_not_a_500(client, agencies):
    """The early check reads urlencoded bodies only; PostgreSQL cannot store what a multipart one carries."""
    form = client.get("/en/enquire").get_data(as_text=True)
    data = {**VALID, "destination": "pk", "csrf_token": csrf_token(form), "message": "hello\x00world, of some length"}
    response = client.post("/en/enquire", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert nothing_stored(client)


@pytest.mark.parametrize(
    "changes", [{}, {"message": 5}, {"email": 5}, {"phone": 123456789}, {"name": ["a", "b"]}, {"consent": {"a": 1}}]
)
def test_a_json_body_is_refused_not_a_500(client, agencies, changes):
    """Flask-WTF would read a JSON body, whose numbers and lists no field expects; the form is for browsers."""
    form = client.get("/en/enquire").get_data(as_text=True)
    data = {**VALID, "destination": "pk", "csrf_token": csrf_token(form), **changes}
    response = client.post("/en/enquire", json=data)
    assert response.status_code == 400
    assert nothing_stored(client)


def test_non_ascii_mailbox_is_refused(client, agencies):
    """Its mail could not be delivered to the right mailbox over plain SMTP."""
    response = send_enquiry(client, email="josé@example.com")
    assert response.status_code == 400
    assert nothing_stored(client)


def test_wrong_csrf_token_is_refused(client, agencies):
    response = client.post("/ur/enquire", data={**VALID, "destination": "pk", "csrf_token": "forged"})
    assert response.status_code == 400
    assert 'lang="ur"' in response.get_data(as_text=True)
    assert nothing_stored(client)


def test_honeypot_filled_is_refused(client, agencies):
    response = send_enquiry(client, website="http://spam.example")
    assert response.status_code == 400
    assert "looks automated" in response.get_data(as_text=True)
    assert nothing_stored(client)


def test_oversized_body_is_a_localized_413(client, agencies):
    form = client.get("/ru/enquire").get_data(as_text=True)
    data = {**VALID, "destination": "pk", "csrf_token": csrf_token(form), "message": "x" * (300 * 1024)}
    response = client.post("/ru/enquire", data=data)
    assert response.status_code == 413
    assert '<html lang="ru"' in response.get_data(as_text=True)
    assert nothing_stored(client)


@pytest.mark.parametrize("slug", ["no-such-thing", "<script>", "a" * 500, "draft-one"])
def test_unknown_opportunity_is_a_404(app, client, agencies, slug):
    with database(app):
        make_opportunity("draft-one", state="draft", sector=make_sector())
    assert client.get("/en/enquire", query_string={"opportunity": slug}).status_code == 404
    token = csrf_token(client.get("/en/enquire").get_data(as_text=True))
    response = client.post("/en/enquire", query_string={"opportunity": slug}, data={**VALID, "csrf_token": token})
    assert response.status_code == 404
    assert nothing_stored(client)


def test_mail_headers_cannot_be_injected(app, agencies):
    """Even a value that slipped past the form cannot add headers to a message."""
    from jinja2 import ChoiceLoader, DictLoader

    from portal.mail.outbox import queue

    app.jinja_env.loader = ChoiceLoader([DictLoader({"probe.txt": "text", "probe.html": "html"}), app.jinja_env.loader])
    with database(app):
        message = queue(
            kind="test",
            recipient="a@example.com\r\nBcc: b@example.com",
            subject="Hi\nBcc: c@example.com",
            template="probe",
            lang="en",
        )
    assert "\n" not in message.recipient and "\r" not in message.recipient
    assert "\n" not in message.subject
