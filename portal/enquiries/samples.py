"""A sample history of enquiries, so that the response-times page can be seen working on a demo portal.

Invented, marked ``is_sample``, sent to nobody: no outbox message is made. Each agency
gets a year of enquiries, some about its published listings and some general, answered
after a few working days, a few late and a few still open. The page and the API say so
in a banner, and a production ``flask check`` warns while any exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.agencies.models import Agency
from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.core.time import add_working_days, utcnow
from portal.enquiries.models import INVESTOR_TYPES, TICKET_SIZES, Enquiry
from portal.enquiries.routing import next_reference

#: days of history
DAYS = 365


def exist() -> bool:
    return db.session.scalar(select(Enquiry.id).where(Enquiry.is_sample.is_(True)).limit(1)) is not None


def load(now: datetime | None = None) -> int:
    """Add the sample history, once; returns how many enquiries were added (0 if it is there already)."""
    if exist():
        return 0
    now = now or utcnow()
    rng = random.Random(2026)
    added = 0
    for agency in db.session.scalars(select(Agency).order_by(Agency.code)):
        listings = list(
            db.session.scalars(
                select(Opportunity.id).where(Opportunity.agency_id == agency.id, Opportunity.state == "published")
            )
        )
        for days_ago in range(DAYS, 0, -1):
            day = (now - timedelta(days=days_ago)).date()
            if day.weekday() >= 5 or rng.random() < 0.45:
                continue
            for _ in range(rng.choice([1, 1, 1, 2])):
                db.session.add(
                    _enquiry(agency, rng.choice(listings) if listings and rng.random() < 0.7 else None, day, now, rng)
                )
                added += 1
    return added


def _enquiry(agency: Agency, opportunity: int | None, day: date, now: datetime, rng: random.Random) -> Enquiry:
    created = datetime.combine(day, time(rng.randint(3, 12), rng.randint(0, 59)))
    promised = add_working_days(day, agency.reply_days)
    after = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8])  # working days to the first answer
    answered = datetime.combine(add_working_days(day, after), time(rng.randint(4, 12), 0))
    if answered >= now:  # not answered yet
        status, first_answer = "in_progress", None
    else:
        status, first_answer = rng.choice(["answered", "answered", "closed"]), answered
    return Enquiry(
        reference=next_reference(agency, day.year),
        agency_id=agency.id,
        opportunity_id=opportunity,
        name="Sample investor",
        organisation="Sample data",
        email="sample.investor@example.com",
        country=rng.choice(["AE", "CN", "DE", "GB", "KZ", "TR", "US", "UZ"]),
        investor_type=rng.choice(list(INVESTOR_TYPES)),
        ticket_size=rng.choice(list(TICKET_SIZES)),
        message="A sample enquiry, invented for the demonstration of the response-time figures.",
        reply_language="en",
        language="en",
        consent_at=created,
        status=status,
        reply_by=promised,
        created_at=created,
        updated_at=first_answer or created,
        first_answered_at=first_answer,
        closed_at=first_answer if status == "closed" else None,
        is_sample=True,
    )
