"""Enquiries, their internal notes, their mail, and the per-agency counters their reference numbers come from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, Date, ForeignKey, Index, String, Text, UniqueConstraint, and_, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from portal.agencies.models import Agency
from portal.catalogue.models import Opportunity
from portal.core.extensions import Model, db
from portal.core.time import utcnow
from portal.core.vocabulary import Vocabulary
from portal.mail.models import OutboxMessage
from portal.staff.models import User

#: as staff see them; investors see spam as closed (``Enquiry.public_status``)
STATUSES = Vocabulary(
    new=_l("Received, not yet handled"),
    in_progress=_l("In progress"),
    answered=_l("Answered"),
    closed=_l("Closed"),
    spam=_l("Spam"),
)
#: an enquiry in these waits for the agency; past its reply date it is overdue
OPEN_STATUSES = ("new", "in_progress")
INVESTOR_TYPES = Vocabulary(
    company=_l("Company"),
    fund=_l("Investment fund"),
    individual=_l("Individual investor"),
    government=_l("Government body"),
)
TICKET_SIZES = Vocabulary(
    {
        "under_1m": _l("Under $1 million"),
        "1m_10m": _l("$1–10 million"),
        "10m_50m": _l("$10–50 million"),
        "over_50m": _l("Over $50 million"),
        "undecided": _l("Not decided yet"),
    }
)

#: the outbox messages sent about each enquiry (the outbox itself knows nothing of enquiries)
enquiry_message = db.Table(
    "enquiry_message",
    Column("enquiry_id", ForeignKey("enquiry.id", ondelete="CASCADE"), primary_key=True),
    Column("message_id", ForeignKey("outbox_message.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Enquiry(Model):
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
    #: a sample history (``seed --demo --sample-enquiries``), said so wherever figures come from it
    is_sample: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: an incentive estimate the investor attached (``enquiries.estimates``): its inputs and figures as sent
    estimate: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    agency: Mapped[Agency] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    notes: Mapped[list[EnquiryNote]] = relationship(order_by="EnquiryNote.created_at", cascade="all, delete-orphan")
    messages: Mapped[list[OutboxMessage]] = relationship(secondary=enquiry_message, order_by=OutboxMessage.id)

    @hybrid_property
    def overdue(self) -> bool:
        """Still waiting for the agency after the promised reply date."""
        return self.status in OPEN_STATUSES and self.reply_by < utcnow().date()

    @overdue.inplace.expression
    @classmethod
    def _overdue_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status.in_(OPEN_STATUSES), cls.reply_by < utcnow().date())

    @property
    def public_status(self) -> str:
        """The status as the investor is told it: spam is simply closed."""
        return "closed" if self.status == "spam" else self.status


class EnquiryNote(Model):
    """An internal note on an enquiry, seen only by staff."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiry.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class ReferenceCounter(Model):
    """The last reference number given out, per agency and year."""

    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)
