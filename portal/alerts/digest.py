"""What a followed search finds since its last digest, and the digests themselves (``alerts send``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from werkzeug.datastructures import MultiDict

from portal.alerts.models import INTERVALS, Alert
from portal.catalogue import content, search
from portal.catalogue.models import OPPORTUNITY_KINDS, REGIONS, STAGES, Opportunity
from portal.core.extensions import db
from portal.core.i18n import current_language, format_usd, portal_url
from portal.core.time import utcnow
from portal.core.translated import localized
from portal.mail.models import OutboxMessage
from portal.mail.outbox import queue

#: the most listings one digest names; the rest are a link away
MOST = 20
#: the mail a subscription sends (``OutboxMessage.kind``)
KINDS = ("alert-confirm", "alert-digest")


def filters_of(args: Any) -> search.Filters:
    """The list's filters in ``args`` (a request's, or a subscription's stored ones), validated."""
    if not isinstance(args, MultiDict):
        args = MultiDict(args)
    sectors, zones = content.public_sectors(), content.public_zones()
    return search.parse_filters(args, {s.slug: s for s in sectors}, {z.slug: z for z in zones})


def stored(filters: search.Filters) -> dict[str, Any]:
    """The filters as a subscription keeps them: what narrows the list, not its order or page."""
    return {name: value for name, value in filters.args().items() if name not in ("sort", "page")}


def described(filters: search.Filters, lang: str | None = None) -> list[tuple[str, str]]:
    """The search in words, (name, value) for each filter in use, in the current language."""
    names = search.FILTER_NAMES
    sectors = {s.slug: s for s in content.public_sectors()}
    zones = {z.slug: z for z in content.public_zones()}

    def name_of(item: Any) -> str:
        text = localized(item, lang or current_language())
        return text.name if text else item.slug

    shown = []
    if filters.q:
        shown.append((_("Words"), filters.q))
    if filters.sector:
        shown.append((names.label("sector"), name_of(sectors[filters.sector])))
    if filters.country:
        shown.append((names.label("country"), content.country_name(filters.country.upper())))
    if filters.zone:
        shown.append((names.label("zone"), name_of(zones[filters.zone])))
    if filters.stage:
        shown.append((names.label("stage"), STAGES.label(filters.stage)))
    if filters.kind:
        shown.append((names.label("kind"), OPPORTUNITY_KINDS.label(filters.kind)))
    if filters.region:
        shown.append((names.label("region"), REGIONS.label(filters.region)))
    if filters.min_usd is not None:
        shown.append((names.label("min_usd"), format_usd(filters.min_usd)))
    if filters.max_usd is not None:
        shown.append((names.label("max_usd"), format_usd(filters.max_usd)))
    return shown


def found_since(alert: Alert, since: datetime) -> list[tuple[Opportunity, bool]]:
    """The published listings the alert's search keeps that appeared or changed after ``since``: (listing, new)."""
    changed = db.session.scalars(
        search.with_texts(
            select(Opportunity).where(
                Opportunity.state == "published",
                or_(Opportunity.published_at > since, Opportunity.updated_at > since),
            ),
            alert.lang,
        )
    ).unique()
    candidates = list(changed)
    if not candidates:
        return []
    kept = search.matching_ids(filters_of(alert.filters))
    found = [
        (item, item.published_at is not None and item.published_at > since) for item in candidates if item.id in kept
    ]
    # new ones first, then the most recently changed
    found.sort(key=lambda pair: (not pair[1], -(pair[0].updated_at.timestamp())))
    return found


@dataclass
class Report:
    checked: int = 0
    sent: int = 0
    expired: int = 0

    def __str__(self) -> str:
        return f"{self.checked} subscriptions due, {self.sent} digests queued, {self.expired} unconfirmed removed."


def expire(now: datetime) -> int:
    """Delete subscriptions left unconfirmed for ``ALERT_CONFIRM_DAYS``, with their address."""
    cutoff = now - timedelta(days=current_app.config["ALERT_CONFIRM_DAYS"])
    stale = list(db.session.scalars(select(Alert).where(Alert.confirmed_at.is_(None), Alert.created_at < cutoff)))
    for alert in stale:
        forget(alert)
    return len(stale)


def forget(alert: Alert) -> None:
    """Delete a subscription and the address in the mail it sent (unsent mail is not sent)."""
    address = alert.email
    db.session.delete(alert)
    if db.session.scalar(select(Alert.id).where(Alert.email == address, Alert.id != alert.id).limit(1)) is not None:
        return  # another subscription of the same address still writes to it
    messages = update(OutboxMessage).where(OutboxMessage.kind.in_(KINDS), OutboxMessage.recipient == address)
    db.session.execute(
        messages.where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        .values(failed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        messages.values(recipient="", text_body="", html_body="", last_error=None).execution_options(
            synchronize_session=False
        )
    )


def send_due(now: datetime | None = None) -> Report:
    """Queue a digest for each confirmed subscription whose interval has passed and whose search found something.

    A subscription's window moves on even when nothing was found, so that each listing is told once.
    The digest and the moved window are committed together.
    """
    now = now or utcnow()
    report = Report(expired=expire(now))
    db.session.commit()
    due = list(db.session.scalars(select(Alert).where(Alert.confirmed_at.is_not(None)).order_by(Alert.id)))
    for alert in due:
        since = alert.last_sent_at or alert.confirmed_at
        if since is not None and now - since < INTERVALS.get(alert.frequency, INTERVALS["weekly"]):
            continue
        report.checked += 1
        found = found_since(alert, since) if since is not None else []
        if found:
            _queue_digest(alert, found)
            report.sent += 1
        alert.last_sent_at = now
        db.session.commit()
    return report


def unsubscribe_url(alert: Alert) -> str:
    return portal_url("alerts.unsubscribe", lang=alert.lang, token=alert.token)


def _queue_digest(alert: Alert, found: list[tuple[Opportunity, bool]]) -> OutboxMessage:
    filters = filters_of(alert.filters)
    with force_locale(alert.lang):
        subject = _("New and updated opportunities for your search: %(num)s", num=len(found))
        described_now = described(filters, alert.lang)
    unsubscribe = unsubscribe_url(alert)
    return queue(
        kind="alert-digest",
        recipient=alert.email,
        subject=subject,
        template="alerts/mail/digest",
        lang=alert.lang,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        alert=alert,
        found=found[:MOST],
        more=max(0, len(found) - MOST),
        described=described_now,
        list_url=portal_url("catalogue.opportunities", lang=alert.lang, **stored(filters)),
        unsubscribe_url=unsubscribe,
    )
