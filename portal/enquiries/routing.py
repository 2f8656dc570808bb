"""Turning a valid form into enquiries: routing, reference numbers, reply dates, mail.

Everything here happens in one transaction: the enquiries and their outbox
messages are committed together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.catalogue.models import Agency, Opportunity, utcnow
from portal.enquiries.models import Enquiry, ReferenceCounter
from portal.extensions import db
from portal.mail import outbox

COUNTRY_OF_DESTINATION = {"pk": ("PK",), "kg": ("KG",), "both": ("PK", "KG")}
#: Where each agency works: its promised dates and reference years follow its calendar.
TIME_ZONES = {"PK": "Asia/Karachi", "KG": "Asia/Bishkek"}


def local_today(agency: Agency, now_utc: datetime) -> date:
    """The date at the agency's offices when it is ``now_utc`` (naive UTC)."""
    zone = ZoneInfo(TIME_ZONES.get(agency.country, "UTC"))
    return now_utc.replace(tzinfo=timezone.utc).astimezone(zone).date()


@dataclass
class Submission:
    """What the investor sent, already validated."""

    name: str
    organisation: str
    email: str
    phone: str
    country: str
    investor_type: str
    ticket_size: str
    message: str
    reply_language: str
    language: str
    #: "pk", "kg" or "both"; ignored when the enquiry is about an opportunity
    destination: str = "both"
    opportunity: Opportunity | None = None


def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start``; Saturdays and Sundays are not working days
    in either country (public holidays are not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _insert_ignoring_conflict(values: dict):
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(ReferenceCounter).values(**values).on_conflict_do_nothing(
        index_elements=["agency_id", "year"]
    )


def next_reference(agency: Agency, year: int) -> str:
    """The agency's next reference number for ``year``, e.g. ``PK-2026-00042``.

    The counter row is incremented in place; the row lock that UPDATE takes
    makes concurrent submissions wait for each other, so no number is given
    out twice, and a rolled-back submission gives its number back.
    """
    increment = (
        update(ReferenceCounter)
        .where(ReferenceCounter.agency_id == agency.id, ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(increment).scalar()
    if number is None:
        db.session.execute(_insert_ignoring_conflict({"agency_id": agency.id, "year": year, "last_number": 0}))
        number = db.session.execute(increment).scalar_one()
    return f"{agency.country}-{year}-{number:05d}"


def agencies_for(submission: Submission) -> list[Agency]:
    """Where the enquiry goes: the opportunity's agency, else the chosen country's (or both)."""
    if submission.opportunity is not None:
        return [submission.opportunity.agency]
    countries = COUNTRY_OF_DESTINATION[submission.destination]
    agencies = {a.country: a for a in db.session.scalars(select(Agency).where(Agency.country.in_(countries)))}
    missing = [c for c in countries if c not in agencies]
    if missing:
        raise LookupError(f"no agency for {', '.join(missing)}")
    return [agencies[c] for c in countries]


def submit(submission: Submission) -> list[Enquiry]:
    """Record the enquiry (one per agency) with its outbox messages, and commit."""
    now = utcnow()
    enquiries = []
    try:
        for agency in agencies_for(submission):
            today = local_today(agency, now)
            enquiry = Enquiry(
                reference=next_reference(agency, today.year),
                agency=agency,
                opportunity=submission.opportunity,
                name=submission.name,
                organisation=submission.organisation,
                email=submission.email,
                phone=submission.phone,
                country=submission.country,
                investor_type=submission.investor_type,
                ticket_size=submission.ticket_size,
                message=submission.message,
                reply_language=submission.reply_language,
                language=submission.language,
                consent_at=now,
                reply_by=add_working_days(today, agency.reply_days),
                created_at=now,
                updated_at=now,
            )
            db.session.add(enquiry)
            db.session.flush()
            if enquiries:
                enquiry.group_id = enquiries[0].id
                enquiries[0].group_id = enquiries[0].id
            enquiries.append(enquiry)
        for enquiry in enquiries:
            outbox.queue_enquiry_mail(enquiry, related=[e for e in enquiries if e is not enquiry])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return enquiries
