"""Turning a valid form into enquiries: routing, reference numbers, reply dates, mail.

Everything here happens in one transaction: the enquiries and their outbox
messages are committed together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.agencies.models import Agency
from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.core.time import add_working_days, utcnow
from portal.enquiries import notifications
from portal.enquiries.models import Enquiry, ReferenceCounter

COUNTRY_OF_DESTINATION = {"pk": ("PK",), "kg": ("KG",), "both": ("PK", "KG")}


def _insert_ignoring_conflict(values: dict[str, Any]) -> Any:
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(ReferenceCounter).values(**values).on_conflict_do_nothing(index_elements=["agency_id", "year"])


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


def agencies_for(opportunity: Opportunity | None, destination: str) -> list[Agency]:
    """Where the enquiry goes: the opportunity's agency, else the chosen country's (or both)."""
    if opportunity is not None:
        return [opportunity.agency]
    countries = COUNTRY_OF_DESTINATION[destination]
    agencies = {a.country: a for a in db.session.scalars(select(Agency).where(Agency.country.in_(countries)))}
    missing = [c for c in countries if c not in agencies]
    if missing:
        raise LookupError(f"no agency for {', '.join(missing)}")
    return [agencies[c] for c in countries]


def submit(
    details: dict[str, str],
    *,
    language: str,
    destination: str = "both",
    opportunity: Opportunity | None = None,
    estimate: dict[str, Any] | None = None,
) -> list[Enquiry]:
    """Record the enquiry (one per agency) with its outbox messages, and commit.

    ``details`` are the enquiry's own columns as the investor typed them
    (``EnquiryForm.details``); ``destination`` ("pk", "kg" or "both") only
    counts when the enquiry is not about an opportunity; ``estimate`` is an incentive estimate the
    investor attached (``catalogue.estimator.snapshot``).
    """
    now = utcnow()
    enquiries: list[Enquiry] = []
    try:
        for agency in agencies_for(opportunity, destination):
            today = agency.local_today(now)
            enquiry = Enquiry(
                **details,
                reference=next_reference(agency, today.year),
                agency=agency,
                opportunity=opportunity,
                estimate=estimate,
                language=language,
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
            notifications.queue_mail(enquiry, related=[e for e in enquiries if e is not enquiry])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return enquiries
