"""From the form to the agency's inbox: routing, references, acknowledgement, real SMTP."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.core.extensions import db
from portal.core.time import add_working_days
from portal.enquiries.models import Enquiry
from portal.mail.models import OutboxMessage
from tests.conftest import database
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_opportunity, make_sector

LANGUAGES = ["en", "ur", "ru", "ky"]
#: a phrase of the acknowledgement in each language, to know which language it is in
ACK_WORDS = {"en": "Thank you for your enquiry", "ru": "Благодарим", "ur": "شکریہ", "ky": "Рахмат"}


@pytest.fixture
def kg_opportunity(app, agencies):
    with database(app):
        return make_opportunity(
            "naryn-hydropower",
            country="KG",
            sector=make_sector("energy"),
            texts={
                "en": {"title": "Naryn hydropower", "summary": "Power.", "body": "Water."},
                "ru": {"title": "ГЭС на Нарыне", "summary": "Энергия.", "body": "Вода."},
            },
        )


def deliver(runner) -> str:
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enquiry_about_an_opportunity_reaches_its_agency(client, runner, smtp, kg_opportunity, lang):
    response = send_enquiry(client, lang, opportunity="naryn-hydropower")
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"KG-\d{4}-\d{5}", confirmation).group(0)
    assert f'<html lang="{lang}"' in confirmation

    assert "2 sent" in deliver(runner)
    (notification,) = smtp.to("nia-enquiries@example.com")
    (acknowledgement,) = smtp.to("aigerim@example.net")
    assert reference in notification["Subject"] and reference in acknowledgement["Subject"]
    assert notification["Reply-To"] == "aigerim@example.net"
    staff_text = notification.get_body(("plain",)).get_content()
    assert reference in staff_text
    assert "Aigerim Sadykova" in staff_text and "Silk Road Capital" in staff_text
    assert "https://portal.test/admin/enquiries/" + reference in staff_text
    assert "Казахстан" in staff_text  # NIA reads its notifications in Russian
    investor_text = acknowledgement.get_body(("plain",)).get_content()
    assert ACK_WORDS[lang] in investor_text
    assert reference in investor_text
    assert f"https://portal.test/{lang}/enquiries/status" in investor_text
    assert acknowledgement["Content-Language"] == lang
    html = acknowledgement.get_body(("html",)).get_content()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ur" else "ltr"}">' in html


def test_general_enquiry_goes_to_the_chosen_country(app, client, runner, smtp, agencies):
    assert send_enquiry(client, destination="pk").status_code == 303
    with database(app):
        enquiry = db.session.scalar(select(Enquiry))
        assert enquiry.agency.code == "BOI" and enquiry.reference.startswith("PK-")
    deliver(runner)
    assert len(smtp.to("boi-enquiries@example.com")) == 1
    assert smtp.to("nia-enquiries@example.com") == []


def test_both_countries_gives_two_linked_enquiries(app, client, runner, smtp, agencies):
    response = send_enquiry(client, "ru", destination="both")
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    with database(app):
        enquiries = db.session.scalars(select(Enquiry).order_by(Enquiry.id)).all()
        assert [e.agency.code for e in enquiries] == ["BOI", "NIA"]
    assert enquiries[0].group_id == enquiries[1].group_id == enquiries[0].id
    for enquiry in enquiries:
        assert enquiry.reference in confirmation
    assert "4 sent" in deliver(runner)
    assert len(smtp.to("aigerim@example.net")) == 2
    (boi_note,) = smtp.to("boi-enquiries@example.com")
    assert enquiries[1].reference in boi_note.get_body(("plain",)).get_content()


def test_enquiry_records_what_was_sent(app, client, agencies, kg_opportunity):
    send_enquiry(client, "ky", opportunity="naryn-hydropower", reply_language="ru")
    with database(app):
        enquiry = db.session.scalar(select(Enquiry))
        assert enquiry.opportunity.slug == "naryn-hydropower"
        assert enquiry.language == "ky" and enquiry.reply_language == "ru"
        assert enquiry.status == "new"
        assert enquiry.reply_by == add_working_days(enquiry.agency.local_today(enquiry.created_at), 5)
        assert enquiry.consent_at is not None
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert len(enquiry.messages) == 2


def test_confirmation_shows_reference_and_promised_date(app, client, agencies):
    response = send_enquiry(client, "en", destination="kg")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with database(app):
        enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.reference in page
    assert f'datetime="{enquiry.reply_by.isoformat()}"' in page


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 11, 27), 5, date(2026, 12, 4)),  # Friday + 5 working days
        (date(2026, 11, 28), 5, date(2026, 12, 4)),  # Saturday
        (date(2026, 11, 30), 1, date(2026, 12, 1)),
        (date(2026, 11, 30), 10, date(2026, 12, 14)),
    ],
)
def test_working_days_skip_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


def test_references_count_up_per_agency(app, client, agencies):
    for destination in ("pk", "kg", "pk"):
        send_enquiry(client, destination=destination)
    with database(app):
        references = db.session.scalars(select(Enquiry.reference).order_by(Enquiry.id)).all()
        first = db.session.scalar(select(Enquiry).order_by(Enquiry.id))
        year = first.agency.local_today(first.created_at).year
    assert references == [f"PK-{year}-00001", f"KG-{year}-00001", f"PK-{year}-00002"]


def test_console_backend_prints_instead_of_sending(database_url, agencies):
    from tests.conftest import make_app

    app = make_app(database_url, MAIL_BACKEND="console")
    send_enquiry(app.test_client(), destination="pk")
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    with app.app_context():
        db.engine.dispose()
    assert "2 sent" in result.output
    assert "To: boi-enquiries@example.com" in result.output
    assert "To: aigerim@example.net" in result.output
