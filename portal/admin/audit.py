"""Writing the audit log, in the same transaction as the change it records."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import current_user

from portal.admin.models import AuditEntry
from portal.extensions import db


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
