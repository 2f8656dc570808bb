"""The delivery worker: sends what is due from the outbox, retrying with backoff.

Workers claim messages with one UPDATE (on PostgreSQL over rows locked with
FOR UPDATE SKIP LOCKED; SQLite lets one writer in at a time), so two workers
running at once never send the same message. A claim lapses after a while,
so a worker that died mid-batch does not strand its messages.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import or_, select, update

from portal.core.extensions import db, mail
from portal.core.time import utcnow
from portal.mail.models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 20
LONGEST_WAIT = timedelta(hours=6)


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed for good"


def _due(now: datetime) -> tuple[Any, ...]:
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _claim_for() -> timedelta:
    """How long a claim holds (OUTBOX_CLAIM_SECONDS): longer than one send may take, MAIL_TIMEOUT."""
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])


def claim(now: datetime, limit: int = BATCH) -> list[OutboxMessage]:
    """Mark up to ``limit`` due messages as ours for a while, and return them."""
    candidates = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.next_attempt_at).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows another worker is claiming right now are skipped, not waited for.
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.commit()
        return []
    token = uuid.uuid4().hex
    # The conditions are checked again as the rows are written, so a message
    # another worker claimed in between is not taken.
    claimed = (
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), *_due(now))
            .values(claimed_until=now + _claim_for(), claimed_by=token)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    if not claimed:
        return []
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id))
    )


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: the base delay, doubled after each failure."""
    base = current_app.config["OUTBOX_RETRY_SECONDS"]
    return min(timedelta(seconds=base * 2 ** (attempts - 1)), LONGEST_WAIT)


def message_id(message: OutboxMessage) -> str:
    """The same Message-ID at every attempt, so that a recipient can drop a duplicate."""
    host = urlsplit(current_app.config["PORTAL_URL"]).hostname or "portal.invalid"
    return f"<outbox.{message.id}@{host}>"


def _email(message: OutboxMessage, connection: Any) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={
            "Message-ID": message_id(message),
            "X-Portal-Message": str(message.id),
            "Content-Language": message.lang,
            **(message.headers or {}),
        },
        connection=connection,
    )
    email.attach_alternative(message.html_body, "text/html")
    return email


def _still_ours(message: OutboxMessage) -> bool:
    """Renew this worker's claim just before sending; False if the message is no longer ours.

    A batch that took longer than the claim, or a purge, may have changed it meanwhile.
    """
    renewed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.claimed_by == message.claimed_by,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
        )
        .values(claimed_until=utcnow() + _claim_for())
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    if renewed is None:
        return False
    db.session.refresh(message)
    return True


def _release(messages: list[OutboxMessage]) -> None:
    """Give back the claim on messages not sent, so that the next worker need not wait for it to lapse."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_([m.id for m in messages]),
            OutboxMessage.claimed_by == messages[0].claimed_by,
            OutboxMessage.sent_at.is_(None),
        )
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _connection() -> Any:
    """A connection to the mail server; SMTP through the backend that verifies the server's certificate."""
    backend = "portal.mail.smtp" if current_app.config["MAIL_BACKEND"] == "smtp" else None
    return mail.get_connection(backend=backend, fail_silently=False)


def _close(connection: Any) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def _loggable(error: Exception) -> str:
    """What a log may say about a failed attempt: the kind of error and the SMTP code, never an address."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}" + (f" {code}" if code else "")


def deliver_due(now: datetime | None = None, stopping: Callable[[], bool] = lambda: False) -> Report:
    """Send every message that is due now; record failures for a later attempt.

    ``stopping`` is asked before each message: once it says yes, the rest of the
    batch is released for the next worker rather than sent.
    """
    report = Report()
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    while True:
        now = now or utcnow()
        messages = claim(now)
        if not messages:
            return report
        connection = _connection()
        try:
            for message in messages:
                if stopping():
                    _release(messages)
                    return report
                if not _still_ours(message):
                    continue
                try:
                    _email(message, connection).send()
                except Exception as error:
                    # OSError covers a refused or timed-out connection (the server is down).
                    # After an error the connection may be half-open (a 421, a dropped line):
                    # the next message starts on a fresh one rather than failing untried.
                    _close(connection)
                    message.attempts += 1
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                    message.claimed_until = None
                    if message.attempts >= max_attempts:
                        message.failed_at = utcnow()
                        report.failed += 1
                        log.error("outbox message %s failed for good: %s", message.id, _loggable(error))
                    else:
                        message.next_attempt_at = utcnow() + backoff(message.attempts)
                        report.retrying += 1
                        log.warning(
                            "outbox message %s not sent (attempt %s): %s",
                            message.id,
                            message.attempts,
                            _loggable(error),
                        )
                else:
                    message.attempts += 1
                    message.sent_at = utcnow()
                    message.claimed_until = None
                    message.last_error = None
                    report.sent += 1
                db.session.commit()
        finally:
            _close(connection)
        now = None
