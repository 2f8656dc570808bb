"""Writing mail to the outbox: rendered now, in the reader's language, sent later by the worker."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _

from portal.extensions import db
from portal.mail.models import OutboxMessage

log = logging.getLogger(__name__)


def _single_line(value: str) -> str:
    """Header values never carry line breaks, whatever went into them."""
    return " ".join(value.split())


def queue(*, kind: str, recipient: str, subject: str, template: str, lang: str,
          enquiry=None, reply_to: str | None = None, **context) -> OutboxMessage:
    """Render ``template``.txt and .html in ``lang`` and add the message to the session."""
    with force_locale(lang):
        text_body = render_template(f"{template}.txt", lang=lang, enquiry=enquiry, **context)
        html_body = render_template(f"{template}.html", lang=lang, enquiry=enquiry, **context)
    message = OutboxMessage(
        kind=kind,
        recipient=_single_line(recipient),
        reply_to=_single_line(reply_to) if reply_to else None,
        subject=_single_line(subject),
        text_body=text_body,
        html_body=html_body,
        lang=lang,
        enquiry_id=enquiry.id if enquiry is not None else None,
    )
    db.session.add(message)
    return message


def queue_enquiry_mail(enquiry, related=()) -> list[OutboxMessage]:
    """The agency's notification(s) and the investor's acknowledgement for one enquiry."""
    base = current_app.config["PORTAL_URL"].rstrip("/")
    context = {"related": list(related), "base_url": base}
    messages = []
    agency = enquiry.agency
    staff_lang = agency.notification_language or "en"
    with force_locale(staff_lang):
        subject = _("New enquiry %(reference)s", reference=enquiry.reference)
    addresses = [a.strip() for a in (agency.enquiry_email or "").split(",") if a.strip()]
    if not addresses:
        # The enquiry is still kept and visible in the staff inbox.
        log.error("agency %s has no enquiry address; %s is not notified by mail", agency.code, enquiry.reference)
    for address in addresses:
        messages.append(
            queue(
                kind="notification",
                recipient=address,
                reply_to=enquiry.email,
                subject=subject,
                template="enquiries/mail/notification",
                lang=staff_lang,
                enquiry=enquiry,
                staff_url=f"{base}/admin/enquiries/{enquiry.reference}",
                **context,
            )
        )
    with force_locale(enquiry.language):
        subject = _("We received your enquiry %(reference)s", reference=enquiry.reference)
    messages.append(
        queue(
            kind="acknowledgement",
            recipient=enquiry.email,
            subject=subject,
            template="enquiries/mail/acknowledgement",
            lang=enquiry.language,
            enquiry=enquiry,
            status_url=f"{base}/{enquiry.language}/enquiries/status",
            **context,
        )
    )
    return messages
