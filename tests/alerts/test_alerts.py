"""Following a search: subscribe with an address, confirm by mail, get digests of new and changed listings, leave."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.alerts import digest
from portal.alerts.models import Alert
from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.mail.models import OutboxMessage
from tests.conftest import database
from tests.enquiries.conftest import csrf_token
from tests.enquiries.test_outbox import deliver_due
from tests.factories import make_opportunity, make_sector

INVESTOR = "investor@example.net"


@pytest.fixture
def catalogue(app):
    with database(app):
        textiles = make_sector("textiles", {"en": "Textiles", "ru": "Текстиль"})
        energy = make_sector("energy", {"en": "Energy"})
        make_opportunity("old-mill", sector=textiles, published_days_ago=30)
        db.session.commit()
        return {"textiles": textiles, "energy": energy}


def subscribe(client, query="sector=textiles&country=pk", lang="en", **changes):
    url = f"/{lang}/alerts/new?{query}"
    page = client.get(url).get_data(as_text=True)
    data = {"email": INVESTOR, "frequency": "daily", "consent": "y", "csrf_token": csrf_token(page)}
    data.update(changes)
    return client.post(url, data={key: value for key, value in data.items() if value is not None})


def mails(smtp, address=INVESTOR):
    return smtp.to(address)


def link_in(message, path: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^\s]+{path}[^\s]+", body).group(0)


def confirm(client, url: str):
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    return client.post(f"/{path}", data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def test_the_list_offers_to_follow_its_search(client, catalogue):
    page = client.get("/en/opportunities?sector=textiles&country=pk&sort=newest").get_data(as_text=True)
    assert 'href="/en/alerts/new?sector=textiles&amp;country=pk' in page
    form = client.get("/en/alerts/new?sector=textiles&country=pk").get_data(as_text=True)
    assert "Textiles" in form and "Pakistan" in form  # the search in words


def test_double_opt_in_then_a_digest_in_the_investors_language(app, client, catalogue, smtp):
    assert subscribe(client, lang="ru").status_code == 303
    deliver_due(app)
    (confirmation,) = mails(smtp)
    assert "Текстиль" in confirmation.get_body(("plain",)).get_content()
    # nothing is sent before the link is followed, whatever appears meanwhile
    with database(app):
        make_opportunity("new-mill", sector=catalogue["textiles"], published_days_ago=0).published_at = utcnow()
        db.session.commit()
    with app.app_context():
        assert digest.send_due(utcnow() + timedelta(days=2)).sent == 0
    assert confirm(client, link_in(confirmation, "/alerts/confirm/")).status_code == 303
    with database(app):
        denim = make_opportunity(
            "denim-mill",
            sector=catalogue["textiles"],
            texts={
                "en": {"title": "Denim mill", "summary": "A mill.", "body": "."},
                "ru": {"title": "Джинсовая фабрика", "summary": "Фабрика.", "body": "."},
            },
        )
        denim.published_at = denim.updated_at = utcnow() + timedelta(hours=1)
        make_opportunity("wind-farm", sector=catalogue["energy"]).published_at = utcnow() + timedelta(hours=1)
        db.session.commit()
    with app.app_context():
        report = digest.send_due(utcnow() + timedelta(days=1, hours=2))
    assert report.sent == 1
    deliver_due(app, now=utcnow() + timedelta(days=1, hours=2))
    _, digest_mail = mails(smtp)
    body = digest_mail.get_body(("plain",)).get_content()
    assert "Джинсовая фабрика" in body  # in Russian, the language the search was followed in
    assert "wind-farm" not in body and "old-mill" not in body  # another sector; nothing new about it
    unsubscribe = link_in(digest_mail, "/alerts/unsubscribe/")
    assert digest_mail["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert digest_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest_mail["Content-Language"] == "ru"
    # a day later with nothing new: no mail
    with app.app_context():
        assert digest.send_due(utcnow() + timedelta(days=2, hours=3)).sent == 0


def test_a_changed_listing_is_told_as_updated_and_weekly_waits_a_week(app, client, catalogue, smtp):
    subscribe(client, frequency="weekly")
    deliver_due(app)
    confirm(client, link_in(mails(smtp)[0], "/alerts/confirm/"))
    with database(app):
        db.session.scalar(select(Opportunity).where(Opportunity.slug == "old-mill")).updated_at = utcnow() + timedelta(
            hours=1
        )
        db.session.commit()
    with app.app_context():
        assert digest.send_due(utcnow() + timedelta(days=3)).sent == 0  # not a week yet
        assert digest.send_due(utcnow() + timedelta(days=8)).sent == 1
    deliver_due(app, now=utcnow() + timedelta(days=8))
    body = mails(smtp)[-1].get_body(("plain",)).get_content()
    assert "(changed)" in body and "(newly published)" not in body


def test_one_click_unsubscribe_deletes_the_address(app, client, catalogue, smtp):
    subscribe(client)
    deliver_due(app)
    confirm(client, link_in(mails(smtp)[0], "/alerts/confirm/"))
    with database(app):
        token = db.session.scalar(select(Alert.token))
    # what a mail program sends for List-Unsubscribe-Post: a POST with no session and no CSRF token
    response = app.test_client().post(f"/en/alerts/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with database(app):
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 0
        assert db.session.scalar(select(func.count()).where(OutboxMessage.recipient == INVESTOR)) == 0
    assert client.get(f"/en/alerts/unsubscribe/{token}").status_code == 404  # the link has done its work


def test_a_link_that_a_mail_scanner_follows_changes_nothing(app, client, catalogue, smtp):
    subscribe(client)
    deliver_due(app)
    confirm_url = link_in(mails(smtp)[0], "/alerts/confirm/")
    client.get("/" + confirm_url.split("://", 1)[1].split("/", 1)[1])
    with database(app):
        assert db.session.scalar(select(Alert.confirmed_at)) is None
        token = db.session.scalar(select(Alert.token))
    client.get(f"/en/alerts/unsubscribe/{token}")
    with database(app):
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_unconfirmed_subscriptions_expire_with_their_address(app, client, catalogue, runner):
    subscribe(client)
    with database(app):
        db.session.scalar(select(Alert)).created_at = utcnow() - timedelta(days=8)
        token = db.session.scalar(select(Alert.token))
    assert client.get(f"/en/alerts/confirm/{token}").status_code == 404  # too late to confirm
    result = runner.invoke(args=["enquiries", "purge"])
    assert "1 unconfirmed subscriptions to a search deleted." in result.output
    with database(app):
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 0
        assert db.session.scalar(select(func.count()).where(OutboxMessage.recipient == INVESTOR)) == 0


def test_the_command_sends_what_is_due(app, client, catalogue, runner, smtp):
    subscribe(client)
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0 and "0 digests queued" in result.output


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "not-an-address"}, "Please enter a valid e-mail address."),
        ({"email": ""}, "Please enter your e-mail address."),
        ({"frequency": "hourly"}, "Not a valid choice."),
        ({"consent": None}, "Please agree, so that we may keep your address to write to you."),
    ],
)
def test_bad_input_gets_a_clear_answer_and_nothing_is_kept(app, client, catalogue, changes, message):
    response = subscribe(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with database(app):
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "ALERT_RATE_LIMIT": "2 per minute"}])
def test_subscriptions_are_rate_limited(app, client, catalogue):
    assert subscribe(client).status_code == 303
    assert subscribe(client).status_code == 303
    assert subscribe(client).status_code == 429
