"""Retention: personal data of closed enquiries is removed; what counts for statistics stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.models import Enquiry, enquiry_message
from portal.mail.models import OutboxMessage

REMOVED = ""


def anonymise_closed(days: int) -> int:
    """Anonymise enquiries closed (or marked spam) more than ``days`` days ago.

    Kept: agency, opportunity, country, investor type, ticket size, languages,
    status and dates. Removed: name, organisation, e-mail, phone, message, and
    the copies of them in the outbox.
    """
    now = utcnow()
    cutoff = now - timedelta(days=days)
    ids = list(
        db.session.scalars(
            select(Enquiry.id).where(
                Enquiry.status.in_(("closed", "spam")),
                func.coalesce(Enquiry.closed_at, Enquiry.updated_at) < cutoff,
                Enquiry.anonymised_at.is_(None),
            )
        )
    )
    if not ids:
        return 0
    db.session.execute(
        update(Enquiry)
        .where(Enquiry.id.in_(ids))
        .values(name=REMOVED, organisation=REMOVED, email=REMOVED, phone=REMOVED, message=REMOVED, anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    copies = select(enquiry_message.c.message_id).where(enquiry_message.c.enquiry_id.in_(ids))
    messages = update(OutboxMessage).where(OutboxMessage.id.in_(copies)).execution_options(synchronize_session=False)
    # Unsent copies are never sent once emptied.
    db.session.execute(
        messages.where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)).values(failed_at=now)
    )
    # SMTP errors may quote the investor's address.
    db.session.execute(messages.values(text_body=REMOVED, html_body=REMOVED, reply_to=None, last_error=None))
    db.session.execute(messages.where(OutboxMessage.kind == "acknowledgement").values(recipient=REMOVED))
    db.session.commit()
    return len(ids)
