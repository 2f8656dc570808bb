"""Fixtures for enquiries: a real SMTP server (aiosmtpd), agencies, and a form-filling helper."""

from __future__ import annotations

import email
import email.policy
import re
import threading

import pytest
from aiosmtpd.controller import Controller

from portal.agencies.models import AgencyText
from tests.conftest import database, free_port
from tests.factories import make_agency


class Sink:
    """An SMTP server's mailbox: every message it accepted, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.sink = Sink()
        self.controller = None

    def start(self):
        # A stopped Controller cannot start again: each start makes a new one on the same port.
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(smtp_port):
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_TIMEOUT": 5,
        "PORTAL_URL": "https://portal.test",
    }


@pytest.fixture
def smtp_server(smtp_port):
    """An SMTP server that is not running yet: call start() (and stop())."""
    server = SmtpServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """A running SMTP server; its ``sink`` holds what it received."""
    smtp_server.start()
    return smtp_server.sink


@pytest.fixture
def agencies(app):
    with database(app):
        boi = make_agency("BOI", "PK")
        nia = make_agency("NIA", "KG")
        nia.notification_language = "ru"
        nia.texts["ru"] = AgencyText(lang="ru", name="Национальное агентство инвестиций", description="")
        boi.texts["ur"] = AgencyText(lang="ur", name="بورڈ آف انویسٹمنٹ", description="")
    return {"BOI": boi, "NIA": nia}


VALID = {
    "name": "Aigerim Sadykova",
    "organisation": "Silk Road Capital",
    "email": "aigerim@example.net",
    "phone": "+996 555 123 456",
    "country": "KZ",
    "investor_type": "fund",
    "ticket_size": "1m_10m",
    "message": "We would like to invest in a denim mill and need details of the site.",
    "reply_language": "en",
    "consent": "y",
}


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form has no CSRF token"
    return match.group(1)


def send_enquiry(client, lang="en", opportunity=None, **changes):
    """Open the form like a browser, fill it in, send it; returns the response to the POST."""
    url = f"/{lang}/enquire" + (f"?opportunity={opportunity}" if opportunity else "")
    form = client.get(url)
    assert form.status_code == 200
    data = {**VALID, "csrf_token": csrf_token(form.get_data(as_text=True))}
    if opportunity is None:
        data["destination"] = "pk"
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(url, data=data)
