"""Writing the audit log, in the same transaction as the change it records."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user

from portal.admin.models import AuditEntry
from portal.extensions import db


#: What each recorded action is called in the staff area.
ACTION_LABELS = {
    "login": _l("Signed in"),
    "login.failed": _l("Failed sign-in"),
    "logout": _l("Signed out"),
    "user.create": _l("Account created"),
    "user.edit": _l("Account changed"),
    "user.password": _l("Password changed"),
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
    "zone.create": _l("Zone created"),
    "zone.edit": _l("Zone edited"),
    "sector.create": _l("Sector created"),
    "sector.edit": _l("Sector edited"),
    "agency.edit": _l("Agency edited"),
}
#: Names of the fields whose changes are recorded; others are shown as stored.
FIELD_LABELS = {
    "status": _l("Status"),
    "state": _l("State"),
    "assignee": _l("Assigned to"),
    "active": _l("Active"),
    "role": _l("Role"),
    "agency": _l("Agency"),
    "name": _l("Name"),
    "preferred_language": _l("Language of the staff area"),
    "attachment": _l("File"),
    "last_verified_at": _l("Last verified"),
    "reply_days": _l("Reply within (working days)"),
    "enquiry_email": _l("Addresses that receive enquiries (comma-separated)"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(field: str) -> str:
    if field.startswith("text."):
        from portal.i18n import language_name

        return gettext("Text in %(language)s", language=language_name(field[5:]))
    return str(FIELD_LABELS.get(field, field))


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(action: str, object_type: str = "", object_key: str = "", *, agency_id: int | None = None,
           changes: dict | None = None, user=None) -> AuditEntry:
    """Add an audit entry to the session; ``changes`` maps a field to (before, after)."""
    actor = user if user is not None else (current_user if current_user and current_user.is_authenticated else None)
    entry = AuditEntry(
        user_id=actor.id if actor is not None else None,
        agency_id=agency_id,
        action=action,
        object_type=object_type,
        object_key=object_key,
        changes={k: [_plain(before), _plain(after)] for k, (before, after) in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def changed(obj, **new_values) -> dict:
    """Set attributes on ``obj`` and return {field: (before, after)} for those that changed."""
    changes = {}
    for field, value in new_values.items():
        before = getattr(obj, field)
        if before != value:
            changes[field] = (before, value)
            setattr(obj, field, value)
    return changes
