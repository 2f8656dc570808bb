"""Writing the audit log, in the same transaction as the change it records, and naming what it records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core.extensions import db
from portal.core.i18n import language_name
from portal.core.vocabulary import Vocabulary
from portal.staff.models import AuditEntry

#: What each recorded action is called in the staff area.
ACTIONS = Vocabulary(
    {
        "login": _l("Signed in"),
        "login.failed": _l("Failed sign-in"),
        "logout": _l("Signed out"),
        "user.create": _l("Account created"),
        "user.edit": _l("Account changed"),
        "user.password": _l("Password changed"),
        "user.two_factor": _l("Two-step sign-in set up"),
        "user.two_factor_reset": _l("Two-step sign-in reset"),
        "user.recovery_codes": _l("New recovery codes made"),
        "logout.everywhere": _l("Signed out everywhere"),
        "enquiry.view": _l("Opened"),
        "enquiry.export": _l("Exported to CSV"),
        "enquiry.status": _l("Status changed"),
        "enquiry.assign": _l("Assigned"),
        "enquiry.note": _l("Note added"),
        "opportunity.create": _l("Listing created"),
        "opportunity.edit": _l("Listing edited"),
        "opportunity.submit": _l("Submitted for review"),
        "opportunity.publish": _l("Published"),
        "opportunity.return": _l("Back to draft"),
        "opportunity.archive": _l("Archived"),
        "opportunity.verify": _l("Confirmed as still true"),
        "attachment.add": _l("File attached"),
        "attachment.remove": _l("File removed"),
        "attachment.approve": _l("File approved and published"),
        "opportunity.revision": _l("Change to a published listing saved for review"),
        "opportunity.approve": _l("Change approved and published"),
        "opportunity.reject": _l("Change rejected"),
        "zone.create": _l("Zone created"),
        "zone.revision": _l("Change to a zone saved for review"),
        "zone.approve": _l("Change approved and published"),
        "zone.reject": _l("Change rejected"),
        "sector.revision": _l("Change to a sector saved for review"),
        "sector.approve": _l("Change approved and published"),
        "sector.reject": _l("Change rejected"),
        "zone.edit": _l("Zone edited"),
        "sector.create": _l("Sector created"),
        "sector.edit": _l("Sector edited"),
        "agency.edit": _l("Agency edited"),
    }
)
#: Names of the fields whose changes are recorded; others are shown as stored.
FIELDS = Vocabulary(
    status=_l("Status"),
    state=_l("State"),
    assignee=_l("Assigned to"),
    active=_l("Active"),
    role=_l("Role"),
    agency=_l("Agency"),
    name=_l("Name"),
    preferred_language=_l("Language of the staff area"),
    attachment=_l("File"),
    last_verified_at=_l("Last verified"),
    reply_days=_l("Reply within (working days)"),
    enquiry_email=_l("Addresses that receive enquiries (comma-separated)"),
    method=_l("How"),
    filters=_l("Filters"),
    rows=_l("Rows"),
)

#: {field: (before, after)}
Changes = dict[str, tuple[Any, Any]]


def field_label(field: str) -> str:
    if field.startswith("text."):
        return gettext("Text in %(language)s", language=language_name(field[5:]))
    return FIELDS.label(field)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(
    action: str,
    object_type: str = "",
    object_key: str = "",
    *,
    agency_id: int | None = None,
    changes: Changes | None = None,
    user: Any = None,
) -> AuditEntry:
    """Add an audit entry to the session; ``changes`` maps a field to (before, after)."""
    actor = user if user is not None else (current_user if current_user and current_user.is_authenticated else None)
    entry = AuditEntry(
        user_id=actor.id if actor is not None else None,
        agency_id=agency_id,
        action=action,
        object_type=object_type,
        object_key=object_key,
        changes={k: [_plain(before), _plain(after)] for k, (before, after) in (changes or {}).items()},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def changed(obj: Any, **new_values: Any) -> Changes:
    """Set attributes on ``obj`` and return {field: (before, after)} for those that changed."""
    changes = {}
    for field, value in new_values.items():
        before = getattr(obj, field)
        if before != value:
            changes[field] = (before, value)
            setattr(obj, field, value)
    return changes
