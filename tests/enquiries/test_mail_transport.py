"""The SMTP conversation itself: a verified server, one honest attempt per message, one Message-ID, quiet logs."""

from __future__ import annotations

import email
import email.policy
import logging
import ssl
import threading

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.core.extensions import db
from portal.mail import delivery
from portal.mail.models import OutboxMessage
from tests.conftest import database, self_signed_certificate, temporary_app

ADDRESSES = ["first@example.net", "poison@example.net", "third@example.net"]


class Handler:
    """An SMTP server's behaviour: accepts mail, except where a test says otherwise."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()

    def answer(self, recipient: str, attempt: int) -> str:
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0]
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.seen[recipient] = self.seen.get(recipient, 0) + 1
            self.received.append(parsed)
            return self.answer(recipient, self.seen[recipient])


@pytest.fixture
def app_config(smtp_port):
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "MAIL_TIMEOUT": 5}


def serve(handler: Handler, port: int, **options) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller


def queue_mail(app, *recipients: str) -> list[int]:
    with database(app):
        rows = [
            OutboxMessage(kind="test", recipient=r, subject="Hello", text_body="Hi", html_body="<p>Hi</p>", lang="en")
            for r in recipients
        ]
        db.session.add_all(rows)
        db.session.flush()
        return [row.id for row in rows]


def outbox(app) -> dict[str, OutboxMessage]:
    with database(app):
        return {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}


def deliver(app) -> delivery.Report:
    with app.app_context():
        return delivery.deliver_due()


def test_a_retried_message_keeps_its_message_id(app):
    class FirstTimeBusy(Handler):
        def answer(self, recipient, attempt):
            return "451 4.3.0 Try again later" if attempt == 1 else "250 OK"

    handler = FirstTimeBusy()
    controller = serve(handler, app.config["MAIL_PORT"])
    try:
        ids = queue_mail(app, *ADDRESSES)
        assert deliver(app).retrying == 3
        with database(app):
            db.session.execute(OutboxMessage.__table__.update().values(next_attempt_at=OutboxMessage.created_at))
        assert deliver(app).sent == 3
    finally:
        controller.stop()
    by_message: dict[str, set[str]] = {}
    for received in handler.received:
        by_message.setdefault(received["X-Portal-Message"], set()).add(received["Message-ID"])
    assert len(handler.received) == 6
    assert by_message == {str(i): {f"<outbox.{i}@portal.test>"} for i in ids}


def test_one_smtp_error_does_not_stop_the_rest_of_the_batch(app):
    """A 421 closes the line: the next message gets a new connection and its own attempt."""

    class ClosesOnPoison(Handler):
        def answer(self, recipient, attempt):
            return "421 4.3.2 Closing connection" if recipient.startswith("poison") else "250 OK"

    handler = ClosesOnPoison()
    controller = serve(handler, app.config["MAIL_PORT"])
    try:
        queue_mail(app, *ADDRESSES)
        report = deliver(app)
    finally:
        controller.stop()
    assert (report.sent, report.retrying) == (2, 1)
    messages = outbox(app)
    assert messages["third@example.net"].sent_at is not None
    assert messages["poison@example.net"].attempts == 1 and messages["poison@example.net"].sent_at is None
    assert handler.seen == dict.fromkeys(ADDRESSES, 1)


def test_smtp_errors_in_the_log_name_no_address(app, caplog):
    class RefusesEveryone(Handler):
        def answer(self, recipient, attempt):
            return f"554 5.7.1 <{recipient}>: rejected"

    controller = serve(RefusesEveryone(), app.config["MAIL_PORT"])
    try:
        queue_mail(app, "investor.private@example.net")
        with caplog.at_level(logging.WARNING, logger="portal.mail.delivery"):
            assert deliver(app).retrying == 1
    finally:
        controller.stop()
    assert "outbox message" in caplog.text and "SMTPDataError 554" in caplog.text
    assert "investor.private" not in caplog.text


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made now with openssl."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"), "127.0.0.1")


@pytest.fixture
def tls_app(database_url, app_config):
    """Mail over STARTTLS (a setting Flask-Mailman reads when the app is made)."""
    with temporary_app(database_url, **app_config, MAIL_USE_TLS=True) as app:
        yield app


def deliver_over_starttls(app, certificate) -> tuple[Handler, delivery.Report]:
    """One message, delivered to a server that offers STARTTLS with ``certificate``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    handler = Handler()
    controller = serve(handler, app.config["MAIL_PORT"], tls_context=context, require_starttls=True)
    try:
        queue_mail(app, "investor@example.net")
        return handler, deliver(app)
    finally:
        controller.stop()


def test_starttls_refuses_a_server_it_cannot_verify(tls_app, certificate):
    handler, report = deliver_over_starttls(tls_app, certificate)
    assert (report.sent, report.retrying) == (0, 1)
    assert handler.received == []
    assert "CERTIFICATE_VERIFY_FAILED" in outbox(tls_app)["investor@example.net"].last_error


def test_starttls_sends_to_a_server_verified_by_the_configured_ca_file(tls_app, certificate):
    tls_app.config["MAIL_CA_FILE"] = str(certificate[0])
    handler, report = deliver_over_starttls(tls_app, certificate)
    assert report.sent == 1
    assert len(handler.received) == 1
