"""Mail goes through the outbox: nothing is lost when the mail server is down, nothing sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from portal.core.extensions import db
from portal.core.time import utcnow
from portal.mail import delivery
from portal.mail.models import OutboxMessage
from tests.conftest import database
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_agency


def messages(app) -> list[OutboxMessage]:
    with database(app):
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def deliver_due(app, now=None) -> delivery.Report:
    """One round of the delivery worker, in an app context of its own as ``outbox deliver`` has."""
    with app.app_context():
        return delivery.deliver_due(now)


def claim(app, now) -> list[int]:
    with app.app_context():
        return [message.id for message in delivery.claim(now)]


def test_mail_server_down_then_up_delivers_exactly_once(app, client, agencies, smtp_server):
    # The server is not running: the enquiry is still accepted.
    response = send_enquiry(client, destination="kg")
    assert response.status_code == 303
    report = deliver_due(app)
    assert (report.sent, report.retrying) == (0, 2)
    first = messages(app)
    assert all(m.attempts == 1 and m.sent_at is None and m.last_error for m in first)
    assert all(m.next_attempt_at > utcnow() for m in first)

    # Not due yet: nothing is tried again.
    assert deliver_due(app).retrying == 0

    smtp_server.start()
    later = utcnow() + timedelta(hours=1)
    report = deliver_due(app, now=later)
    assert report.sent == 2
    assert deliver_due(app, now=later + timedelta(days=1)).sent == 0
    assert len(smtp_server.sink.messages) == 2
    assert all(m.sent_at and m.attempts == 2 and m.last_error is None for m in messages(app))


def test_retries_back_off_exponentially_then_fail_for_good(app, client, agencies, smtp_server):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 4
    app.config["OUTBOX_RETRY_SECONDS"] = 60
    send_enquiry(client, destination="pk")
    waits = []
    now = utcnow()
    for attempt in range(1, 5):
        before = utcnow()
        deliver_due(app, now=now)
        message = messages(app)[0]
        assert message.attempts == attempt
        if attempt < 4:
            waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
        now = message.next_attempt_at + timedelta(seconds=1)
    assert waits == [1, 2, 4]
    failed = messages(app)
    assert all(m.failed_at is not None for m in failed)
    assert "Connection" in failed[0].last_error or "refused" in failed[0].last_error.lower()
    # Failed messages stay for an administrator and are not tried again.
    smtp_server.start()
    assert deliver_due(app, now=now + timedelta(days=30)).sent == 0
    assert smtp_server.sink.messages == []


def test_a_claimed_message_is_left_alone_by_another_worker(app, client, agencies, smtp):
    send_enquiry(client, destination="pk")
    mine = claim(app, utcnow())
    assert len(mine) == 2
    assert claim(app, utcnow()) == []  # a second worker finds nothing to do
    assert len(claim(app, utcnow() + timedelta(hours=1))) == 2  # until the claim lapses


def test_two_workers_at_once_send_each_message_once(pg_app, smtp):
    with database(pg_app):
        make_agency("BOI", "PK")
        make_agency("NIA", "KG")
    client = pg_app.test_client()
    for i in range(15):
        send_enquiry(client, destination="both", email=f"investor{i}@example.net")
    assert len(messages(pg_app)) == 60

    reports = []
    start = threading.Barrier(2)

    def worker():
        with pg_app.app_context():
            start.wait()
            reports.append(delivery.deliver_due())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == 60
    assert all(r.sent > 0 for r in reports), [str(r) for r in reports]
    ids = [m["X-Portal-Message"] for m in smtp.messages]
    assert len(ids) == 60 and len(set(ids)) == 60


def test_a_claim_lasts_outbox_claim_seconds(app, client, agencies):
    app.config["OUTBOX_CLAIM_SECONDS"] = 30
    send_enquiry(client, destination="pk")
    now = utcnow()
    taken = claim(app, now)
    assert len(taken) == 2
    # Another worker finds nothing while the claim holds, and everything once it has lapsed.
    assert claim(app, now + timedelta(seconds=29)) == []
    assert sorted(claim(app, now + timedelta(seconds=31))) == sorted(taken)


def test_a_worker_told_to_stop_sends_nothing_more_and_frees_its_batch(app, client, agencies, smtp):
    send_enquiry(client, destination="pk")
    with app.app_context():
        report = delivery.deliver_due(stopping=lambda: True)
    assert report.sent == 0
    assert smtp.messages == []
    # Released at once: the next worker need not wait for the claim to lapse.
    assert all(m.claimed_until is None and m.sent_at is None for m in messages(app))
    assert deliver_due(app).sent == 2


def test_the_worker_stops_cleanly_on_sigterm(app_config, database_url, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "console",
        "SECRET_KEY": "x" * 40,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "outbox", "deliver", "--loop", "--sleep", "30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    time.sleep(3)  # started, and sleeping between rounds
    started = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output
    assert time.monotonic() - started < 5, "it does not sleep out its round"
