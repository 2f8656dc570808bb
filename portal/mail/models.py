"""Messages waiting to be sent, written in the same transaction as what caused them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.extensions import Model
from portal.core.time import utcnow
from portal.core.vocabulary import Vocabulary

#: where a message is on its way (``OutboxMessage.state``)
STATES = Vocabulary(
    pending=_l("Waiting to be sent"),
    retrying=_l("Not delivered yet, will retry"),
    sent=_l("Sent"),
    failed=_l("Failed"),
)


class OutboxMessage(Model):
    __table_args__ = (
        # The worker looks for unsent, unfailed messages that are due.
        Index("ix_outbox_message_due", "sent_at", "failed_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the message is, in the words of the feature that wrote it (e.g. "notification")
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: language the message is written in
    lang: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: a worker's claim; another worker leaves the message alone until it lapses
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    #: set after the last allowed attempt failed; kept for an administrator
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: more header fields of the message (e.g. List-Unsubscribe), by name
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)

    @property
    def state(self) -> str:
        """One of STATES."""
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "pending"
