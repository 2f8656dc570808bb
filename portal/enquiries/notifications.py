"""The two mails of an enquiry: the notification to the agency and the acknowledgement to the investor."""

from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core.i18n import portal_url
from portal.core.translated import localized
from portal.enquiries.models import Enquiry
from portal.mail.models import OutboxMessage
from portal.mail.outbox import queue

log = logging.getLogger(__name__)


def queue_mail(enquiry: Enquiry, related: list[Enquiry]) -> list[OutboxMessage]:
    """Queue the agency's notification(s) and the investor's acknowledgement, each in its reader's language.

    ``related`` are the enquiries sent together with this one to the other agency.
    """
    messages = []
    staff_lang = enquiry.agency.notification_language or "en"
    with force_locale(staff_lang):
        subject = _("New enquiry %(reference)s", reference=enquiry.reference)
    addresses = enquiry.agency.enquiry_addresses
    if not addresses:
        # The enquiry is still kept and visible in the staff inbox.
        log.error(
            "agency %s has no enquiry address; %s is not notified by mail", enquiry.agency.code, enquiry.reference
        )
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
                related=related,
                staff_url=portal_url("inbox.enquiry", reference=enquiry.reference),
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
            related=related,
            status_url=portal_url("enquiries.status", lang=enquiry.language),
        )
    )
    enquiry.messages.extend(messages)
    return messages


def queue_officer_mail(enquiry: Enquiry, reassigned: bool) -> OutboxMessage | None:
    """Tell the investor, in their language, who at the agency now works on the enquiry.

    The officer's name, role and direct contact are given only with their consent (``User.contact_shown``);
    otherwise the mail names the agency and its address. Nothing is sent about a sample or anonymised enquiry.
    """
    officer = enquiry.assignee
    if officer is None or enquiry.is_sample or enquiry.anonymised_at is not None:
        return None
    agency = localized(enquiry.agency, enquiry.language)
    agency_name = agency.name if agency else enquiry.agency.code
    with force_locale(enquiry.language):
        if reassigned:
            subject = _(
                "Your enquiry %(reference)s has a new contact at %(agency)s",
                reference=enquiry.reference,
                agency=agency_name,
            )
        else:
            subject = _(
                "Your enquiry %(reference)s: your contact at %(agency)s",
                reference=enquiry.reference,
                agency=agency_name,
            )
    shown = officer.contact_shown
    reply_to = officer.contact_email if shown and officer.contact_email else None
    if reply_to is None and enquiry.agency.enquiry_addresses:
        reply_to = enquiry.agency.enquiry_addresses[0]
    message = queue(
        kind="officer",
        recipient=enquiry.email,
        reply_to=reply_to,
        subject=subject,
        template="enquiries/mail/officer",
        lang=enquiry.language,
        enquiry=enquiry,
        officer=officer if shown else None,
        agency_name=agency_name,
        reassigned=reassigned,
        status_url=portal_url("enquiries.status", lang=enquiry.language),
    )
    enquiry.messages.append(message)
    return message
