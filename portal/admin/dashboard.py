"""The figures on the staff dashboard, each limited to what the user may see."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.catalogue import workflow
from portal.catalogue.models import Agency, Opportunity, Sector, utcnow
from portal.enquiries.models import Enquiry
from portal.extensions import db
from portal.mail.models import OutboxMessage

MONTHS = 6


def _month(value) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def collect(user) -> dict:
    now = utcnow()
    scope = [] if user.is_admin else [Enquiry.agency_id == user.agency_id]
    by_status = dict(db.session.execute(
        select(Enquiry.status, func.count()).where(*scope).group_by(Enquiry.status)).all())
    overdue = list(db.session.scalars(
        select(Enquiry).where(*scope, Enquiry.status.in_(("new", "in_progress")), Enquiry.reply_by < now.date())
        .order_by(Enquiry.reply_by).limit(20)))

    # Enquiries per sector per month, over the last MONTHS months.
    first_day = (now.replace(day=1) - timedelta(days=31 * (MONTHS - 1))).replace(day=1, hour=0, minute=0, second=0,
                                                                                 microsecond=0)
    rows = db.session.execute(
        select(Enquiry.created_at, Opportunity.sector_id)
        .outerjoin(Opportunity, Enquiry.opportunity_id == Opportunity.id)
        .where(*scope, Enquiry.created_at >= first_day)).all()
    months = []
    cursor = first_day
    while cursor <= now:
        months.append(_month(cursor))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    per_month: dict[str, dict] = {m: defaultdict(int) for m in months}
    for created_at, sector_id in rows:
        per_month.setdefault(_month(created_at), defaultdict(int))[sector_id] += 1
    sectors = list(db.session.scalars(select(Sector).options(selectinload(Sector.texts)).order_by(Sector.position)))

    # Median time to the first answer, per agency, in hours.
    answered = db.session.execute(
        select(Agency.code, Enquiry.created_at, Enquiry.first_answered_at).join(Agency)
        .where(*scope, Enquiry.first_answered_at.is_not(None))).all()
    hours: dict[str, list[float]] = defaultdict(list)
    for code, created_at, first_answer in answered:
        hours[code].append((first_answer - created_at).total_seconds() / 3600)
    median_hours = {code: statistics.median(values) for code, values in sorted(hours.items())}

    stale = []
    if user.is_admin or user.role == "curator":
        listings = [] if user.is_admin else [Opportunity.agency_id == user.agency_id]
        stale = list(db.session.scalars(
            select(Opportunity).where(*listings, Opportunity.state == "published",
                                      Opportunity.last_verified_at < now - timedelta(days=workflow.STALE_AFTER_DAYS))
            .options(selectinload(Opportunity.texts)).order_by(Opportunity.last_verified_at).limit(50)))

    failed = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
    if not user.is_admin:
        failed = failed.join(Enquiry, OutboxMessage.enquiry_id == Enquiry.id).where(*scope)
    failed_mail = db.session.scalar(failed)
    return {
        "by_status": by_status,
        "overdue": overdue,
        "months": months,
        "per_month": per_month,
        "sectors": sectors,
        "median_hours": median_hours,
        "stale": stale,
        "failed_mail": failed_mail,
    }
