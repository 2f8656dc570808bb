"""Retention: personal data of old enquiries is removed, whatever their status; what counts for statistics stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update

from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.models import Enquiry, EnquiryNote, enquiry_message
from portal.mail.models import OutboxMessage

REMOVED = ""


def anonymise(closed_days: int, any_days: int) -> int:
    """Anonymise enquiries closed (or marked spam) more than ``closed_days`` ago, and any received more than
    ``any_days`` ago whatever their status (an enquiry left open keeps no one's data for ever).

    Kept: agency, opportunity, country, investor type, ticket size, languages,
    status and dates. Removed: name, organisation, e-mail, phone, message, the
    staff's notes (which quote them), and the copies of them in the outbox.
    """
    now = utcnow()
    closed_cutoff = now - timedelta(days=closed_days)
    any_cutoff = now - timedelta(days=any_days)
    ids = list(
        db.session.scalars(
            select(Enquiry.id).where(
                Enquiry.anonymised_at.is_(None),
                or_(
                    Enquiry.status.in_(("closed", "spam"))
                    & (func.coalesce(Enquiry.closed_at, Enquiry.updated_at) < closed_cutoff),
                    Enquiry.created_at < any_cutoff,
                ),
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
    db.session.execute(
        delete(EnquiryNote).where(EnquiryNote.enquiry_id.in_(ids)).execution_options(synchronize_session=False)
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
