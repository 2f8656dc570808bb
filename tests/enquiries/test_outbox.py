"""Mail goes through the outbox: nothing is lost when the mail server is down, nothing sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.catalogue.models import utcnow
from portal.extensions import db
from portal.mail.delivery import deliver_due
from portal.mail.models import OutboxMessage
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_agency


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_mail_server_down_then_up_delivers_exactly_once(app, client, agencies, smtp_server):
    # The server is not running: the enquiry is still accepted.
    response = send_enquiry(client, destination="kg")
    assert response.status_code == 303
    report = deliver_due()
    assert (report.sent, report.retrying) == (0, 2)
    first = messages()
    assert all(m.attempts == 1 and m.sent_at is None and m.last_error for m in first)
    assert all(m.next_attempt_at > utcnow() for m in first)

    # Not due yet: nothing is tried again.
    assert deliver_due().retrying == 0

    smtp_server.start()
    later = utcnow() + timedelta(hours=1)
    report = deliver_due(now=later)
    assert report.sent == 2
    assert deliver_due(now=later + timedelta(days=1)).sent == 0
    assert len(smtp_server.sink.messages) == 2
    assert all(m.sent_at and m.attempts == 2 and m.last_error is None for m in messages())


def test_retries_back_off_exponentially_then_fail_for_good(app, client, agencies, smtp_server):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 4
    app.config["OUTBOX_RETRY_SECONDS"] = 60
    send_enquiry(client, destination="pk")
    waits = []
    now = utcnow()
    for attempt in range(1, 5):
        before = utcnow()
        deliver_due(now=now)
        message = messages()[0]
        assert message.attempts == attempt
        if attempt < 4:
            waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
        now = message.next_attempt_at + timedelta(seconds=1)
    assert waits == [1, 2, 4]
    failed = messages()
    assert all(m.failed_at is not None for m in failed)
    assert "Connection" in failed[0].last_error or "refused" in failed[0].last_error.lower()
    # Failed messages stay for an administrator and are not tried again.
    smtp_server.start()
    assert deliver_due(now=now + timedelta(days=30)).sent == 0
    assert smtp_server.sink.messages == []


def test_a_claimed_message_is_left_alone_by_another_worker(app, client, agencies, smtp):
    from portal.mail.delivery import claim

    send_enquiry(client, destination="pk")
    mine = claim(utcnow())
    assert len(mine) == 2
    assert claim(utcnow()) == []  # a second worker finds nothing to do
    assert len(claim(utcnow() + timedelta(hours=1))) == 2  # until the claim lapses


def test_two_workers_at_once_send_each_message_once(pg_app, smtp):
    make_agency("BOI", "PK")
    make_agency("NIA", "KG")
    db.session.commit()
    client = pg_app.test_client()
    for i in range(15):
        send_enquiry(client, destination="both", email=f"investor{i}@example.net")
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 60
    db.session.remove()

    reports = []
    start = threading.Barrier(2)

    def worker():
        with pg_app.app_context():
            start.wait()
            reports.append(deliver_due())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == 60
    assert all(r.sent > 0 for r in reports), [str(r) for r in reports]
    ids = [m["X-Portal-Message"] for m in smtp.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
