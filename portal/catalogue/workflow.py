"""The life of a listing: draft → in review → published → archived, with a second pair of eyes.

A curator of the owning agency writes and submits; another curator of that
agency, or an administrator, publishes. Only published listings are public.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.catalogue.models import Opportunity
from portal.core.time import utcnow
from portal.core.vocabulary import Vocabulary
from portal.staff.audit import Changes

#: action: (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": (("draft",), "in_review"),
    "publish": (("in_review",), "published"),
    "return": (("in_review", "archived"), "draft"),
    "archive": (("draft", "in_review", "published"), "archived"),
}
ACTIONS = Vocabulary(
    {
        "submit": _l("Submit for review"),
        "publish": _l("Publish"),
        "return": _l("Back to draft"),
        "archive": _l("Archive"),
    }
)
STALE_AFTER_DAYS = 180
NOT_CURATOR = _l("Only curators of the owning agency and administrators can do this.")


def stale_before(now: datetime) -> datetime:
    """Published listings last confirmed before this need checking again."""
    return now - timedelta(days=STALE_AFTER_DAYS)


class WorkflowError(Exception):
    """The action is not allowed; the message says why, in the user's language."""


def may_curate(user: Any, item: Any) -> bool:
    """Whether ``user`` curates ``item`` (a listing or zone): its agency's curators, and administrators."""
    return bool(user.is_authenticated and user.curates and user.can_see_agency(item.agency_id))


def why_not(user: Any, action: str, opportunity: Opportunity) -> str | None:
    """None if ``user`` may do ``action`` now, else the reason."""
    if action not in TRANSITIONS:
        return str(_l("Unknown action."))
    if not may_curate(user, opportunity):
        return str(NOT_CURATOR)
    sources, _target = TRANSITIONS[action]
    if opportunity.state not in sources:
        return str(_l("This cannot be done to a listing in this state."))
    if action == "publish" and not user.is_admin and user.id in (opportunity.submitted_by_id, opportunity.edited_by_id):
        return str(_l("Another curator of your agency or an administrator must publish what you submitted."))
    return None


def allowed_actions(user: Any, opportunity: Opportunity) -> list[str]:
    return [action for action in TRANSITIONS if why_not(user, action, opportunity) is None]


def apply(user: Any, action: str, opportunity: Opportunity) -> Changes:
    """Move the listing along; returns {field: (before, after)} for the audit log."""
    reason = why_not(user, action, opportunity)
    if reason:
        raise WorkflowError(reason)
    now = utcnow()
    before = opportunity.state
    opportunity.state = TRANSITIONS[action][1]
    changes: Changes = {"state": (before, opportunity.state)}
    if action == "submit":
        opportunity.submitted_by_id = user.id
    if action == "publish":
        opportunity.published_at = opportunity.published_at or now
        opportunity.last_verified_at = now
    opportunity.updated_at = now
    return changes


def verify(user: Any, opportunity: Opportunity) -> Changes:
    if not may_curate(user, opportunity):
        raise WorkflowError(str(NOT_CURATOR))
    before: datetime | None = opportunity.last_verified_at
    opportunity.last_verified_at = utcnow()
    return {"last_verified_at": (before, opportunity.last_verified_at)}
