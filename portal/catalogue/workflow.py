"""The life of a listing: draft → in review → published → archived, with a second pair of eyes.

A curator of the owning agency writes and submits; another curator of that
agency, or an administrator, publishes. Only published listings are public.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.catalogue.models import Opportunity, utcnow

#: action: (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": (("draft",), "in_review"),
    "publish": (("in_review",), "published"),
    "return": (("in_review", "archived"), "draft"),
    "archive": (("draft", "in_review", "published"), "archived"),
}
ACTION_LABELS = {
    "submit": _l("Submit for review"),
    "publish": _l("Publish"),
    "return": _l("Back to draft"),
    "archive": _l("Archive"),
}
STATE_LABELS = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}
STALE_AFTER_DAYS = 180


class WorkflowError(Exception):
    """The action is not allowed; the message says why, in the user's language."""


def may_curate(user, opportunity: Opportunity) -> bool:
    return user.is_authenticated and (user.is_admin or (user.role == "curator" and user.agency_id == opportunity.agency_id))


def why_not(user, action: str, opportunity: Opportunity) -> str | None:
    """None if ``user`` may do ``action`` now, else the reason."""
    if action not in TRANSITIONS:
        return str(_l("Unknown action."))
    if not may_curate(user, opportunity):
        return str(_l("Only curators of the owning agency and administrators can do this."))
    sources, _target = TRANSITIONS[action]
    if opportunity.state not in sources:
        return str(_l("This cannot be done to a listing in this state."))
    if action == "publish" and not user.is_admin and user.id in (opportunity.submitted_by_id, opportunity.edited_by_id):
        return str(_l("Another curator of your agency or an administrator must publish what you submitted."))
    return None


def allowed_actions(user, opportunity: Opportunity) -> list[str]:
    return [action for action in TRANSITIONS if why_not(user, action, opportunity) is None]


def apply(user, action: str, opportunity: Opportunity) -> dict:
    """Move the listing along; returns {field: (before, after)} for the audit log."""
    reason = why_not(user, action, opportunity)
    if reason:
        raise WorkflowError(reason)
    now = utcnow()
    before = opportunity.state
    opportunity.state = TRANSITIONS[action][1]
    changes = {"state": (before, opportunity.state)}
    if action == "submit":
        opportunity.submitted_by_id = user.id
    if action == "publish":
        opportunity.published_at = opportunity.published_at or now
        opportunity.last_verified_at = now
    opportunity.updated_at = now
    return changes


def verify(user, opportunity: Opportunity) -> dict:
    if not may_curate(user, opportunity):
        raise WorkflowError(str(_l("Only curators of the owning agency and administrators can do this.")))
    before = opportunity.last_verified_at
    opportunity.last_verified_at = utcnow()
    return {"last_verified_at": (before, opportunity.last_verified_at)}
