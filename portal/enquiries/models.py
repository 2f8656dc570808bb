"""Enquiries and the per-agency counters their reference numbers come from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from typing import TYPE_CHECKING

from portal.catalogue.models import Agency, Opportunity, utcnow
from portal.extensions import db

if TYPE_CHECKING:
    from portal.admin.models import EnquiryNote, User

STATUSES = ("new", "in_progress", "answered", "closed", "spam")
INVESTOR_TYPES = ("company", "fund", "individual", "government")
TICKET_SIZES = ("under_1m", "1m_10m", "10m_50m", "over_50m", "undecided")
DESTINATIONS = ("pk", "kg", "both")


class Enquiry(db.Model):
    __table_args__ = (
        Index("ix_enquiry_agency_status", "agency_id", "status"),
        Index("ix_enquiry_agency_promised", "agency_id", "reply_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the investor quotes, e.g. PK-2026-00042; unique per agency and year
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"), index=True)
    #: enquiries sent together to both agencies share the id of the first of them
    group_id: Mapped[int | None] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: ISO 3166 code of the investor's country
    country: Mapped[str] = mapped_column(String(2))
    #: one of INVESTOR_TYPES
    investor_type: Mapped[str] = mapped_column(String(20))
    #: one of TICKET_SIZES
    ticket_size: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    #: language the investor would like the agency to answer in
    reply_language: Mapped[str] = mapped_column(String(8))
    #: language of the page the enquiry was sent from; the acknowledgement uses it
    language: Mapped[str] = mapped_column(String(8))
    consent_at: Mapped[datetime]
    #: one of STATUSES
    status: Mapped[str] = mapped_column(String(20), default="new")
    #: the date by which the agency promises a first reply
    reply_by: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    #: when the status first became "answered", for the time-to-first-answer figures
    first_answered_at: Mapped[datetime | None]
    #: the officer of the agency working on it
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: set when personal data was removed after the retention period
    anonymised_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    assignee: Mapped[User | None] = relationship("User")
    notes: Mapped[list[EnquiryNote]] = relationship(
        "EnquiryNote", order_by="EnquiryNote.created_at", cascade="all, delete-orphan"
    )

    @property
    def overdue(self) -> bool:
        return self.status in ("new", "in_progress") and self.reply_by < utcnow().date()


class ReferenceCounter(db.Model):
    """The last reference number given out, per agency and year."""

    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)
