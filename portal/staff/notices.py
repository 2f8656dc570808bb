"""Mail to a member of staff when their password or second factor changes, so that a change they did not make is seen.

Sent through the outbox, in their language, with the change it reports; never
the password, code or secret itself.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.i18n import portal_url
from portal.core.time import utcnow
from portal.mail.outbox import queue
from portal.staff.models import User

#: what happened, as the mail says it
CHANGES = {
    "password": _l("The password of your staff account was changed."),
    "two_factor": _l("Two-step sign-in was set up on your staff account."),
    "two_factor_reset": _l("An administrator reset the two-step sign-in of your staff account."),
    "recovery_codes": _l("New recovery codes were made for your staff account; the old ones no longer work."),
}


def notify(user: User, change: str) -> None:
    """Queue the notice of ``change`` (one of CHANGES) to ``user``; sent when the caller commits."""
    lang = user.preferred_language or "en"
    with force_locale(lang):
        subject = _("A change to your staff account")
        what = str(CHANGES[change])
    queue(
        kind="security",
        recipient=user.email,
        subject=subject,
        template="staff/mail/security_notice",
        lang=lang,
        user=user,
        title=subject,
        what=what,
        when=utcnow().strftime("%Y-%m-%d %H:%M"),
        account_url=portal_url("staff.account"),
    )
