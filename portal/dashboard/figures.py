"""The figures on the staff dashboard, each limited to what the user may see."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.agencies.models import Agency
from portal.catalogue.content import all_sectors, sectors_in_order
from portal.catalogue.models import Opportunity
from portal.catalogue.workflow import stale_before
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.models import Enquiry, enquiry_message
from portal.mail.models import OutboxMessage
from portal.staff.access import visible_to

MONTHS = 6


def _month(value: datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _last_months(now: datetime) -> tuple[datetime, list[str]]:
    """The first day of the oldest of the last MONTHS months, and those months as YYYY-MM."""
    first_day = (now.replace(day=1) - timedelta(days=31 * (MONTHS - 1))).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    months = []
    cursor = first_day
    while cursor <= now:
        months.append(_month(cursor))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return first_day, months


def per_sector_per_month(scope: list[Any], now: datetime) -> tuple[list[str], dict[str, dict[int | None, int]]]:
    first_day, months = _last_months(now)
    rows = db.session.execute(
        select(Enquiry.created_at, Opportunity.sector_id)
        .outerjoin(Opportunity, Enquiry.opportunity_id == Opportunity.id)
        .where(*scope, Enquiry.created_at >= first_day)
    ).all()
    per_month: dict[str, dict[int | None, int]] = {month: defaultdict(int) for month in months}
    for created_at, sector_id in rows:
        per_month.setdefault(_month(created_at), defaultdict(int))[sector_id] += 1
    return months, per_month


def median_hours_to_first_answer(scope: list[Any]) -> dict[str, float]:
    answered = db.session.execute(
        select(Agency.code, Enquiry.created_at, Enquiry.first_answered_at)
        .join(Agency)
        .where(*scope, Enquiry.first_answered_at.is_not(None))
    ).all()
    hours: dict[str, list[float]] = defaultdict(list)
    for code, created_at, first_answer in answered:
        if first_answer is not None:
            hours[code].append((first_answer - created_at).total_seconds() / 3600)
    return {code: statistics.median(values) for code, values in sorted(hours.items())}


def stale_listings(user: Any, now: datetime) -> list[Opportunity]:
    """Published listings nobody has confirmed for a while (``stale_before``), for those who curate them."""
    if not user.curates:
        return []
    statement = (
        select(Opportunity)
        .where(
            *visible_to(Opportunity.agency_id, user),
            Opportunity.state == "published",
            Opportunity.last_verified_at < stale_before(now),
        )
        .options(selectinload(Opportunity.texts))
        .order_by(Opportunity.last_verified_at)
        .limit(50)
    )
    return list(db.session.scalars(statement))


def failed_mail(user: Any) -> int:
    statement = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
    if not user.is_admin:
        statement = (
            statement.join(enquiry_message, enquiry_message.c.message_id == OutboxMessage.id)
            .join(Enquiry, enquiry_message.c.enquiry_id == Enquiry.id)
            .where(*visible_to(Enquiry.agency_id, user))
        )
    return db.session.scalar(statement) or 0


def collect(user: Any) -> dict[str, Any]:
    now = utcnow()
    scope = visible_to(Enquiry.agency_id, user)
    by_status = dict(
        db.session.execute(select(Enquiry.status, func.count()).where(*scope).group_by(Enquiry.status)).all()
    )
    overdue = list(
        db.session.scalars(select(Enquiry).where(*scope, Enquiry.overdue).order_by(Enquiry.reply_by).limit(20))
    )
    months, per_month = per_sector_per_month(scope, now)
    return {
        "by_status": by_status,
        "overdue": overdue,
        "months": months,
        "per_month": per_month,
        "sectors": sectors_in_order(all_sectors(), user.preferred_language),
        "median_hours": median_hours_to_first_answer(scope),
        "stale": stale_listings(user, now),
        "failed_mail": failed_mail(user),
    }
