"""Agencies, sectors, zones and opportunities, each with its texts stored per language."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from portal.extensions import db

DEFAULT_LANGUAGE = "en"

COUNTRIES = ("PK", "KG")
ZONE_KINDS = ("sez", "fez", "tech_park", "logistics", "industrial_estate")
OPPORTUNITY_KINDS = ("greenfield", "joint_venture", "equity", "ppp", "expansion", "export")
STAGES = ("concept", "feasibility", "ready", "operating")
STATES = ("draft", "in_review", "published", "archived")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Translated:
    """Mixin for models whose texts live in a ``texts`` dict keyed by language."""

    texts: dict

    def translation(self, lang: str):
        """The text in ``lang``, else the English one, else any; ``None`` if there is none."""
        for candidate in (lang, DEFAULT_LANGUAGE):
            text = self.texts.get(candidate)
            if text is not None:
                return text
        return next(iter(self.texts.values()), None)


class TextMixin:
    lang: Mapped[str] = mapped_column(String(8))


class Agency(Translated, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    #: ISO 3166 code of the country the agency acts for
    country: Mapped[str] = mapped_column(String(2))
    website: Mapped[str] = mapped_column(String(200), default="")
    #: where enquiries routed to this agency are sent; several separated by commas
    enquiry_email: Mapped[str] = mapped_column(String(300))
    #: working days within which the agency promises a reply
    reply_days: Mapped[int] = mapped_column(default=5)
    #: language of the enquiry notifications its staff receive
    notification_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    texts: Mapped[dict[str, AgencyText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


class AgencyText(TextMixin, db.Model):
    __table_args__ = (UniqueConstraint("agency_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class Sector(Translated, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: order in which sectors are listed
    position: Mapped[int] = mapped_column(default=0)

    texts: Mapped[dict[str, SectorText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


class SectorText(TextMixin, db.Model):
    __table_args__ = (UniqueConstraint("sector_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class Zone(Translated, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    #: one of ZONE_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    #: code from catalogue.vocabulary.REGIONS
    region: Mapped[str] = mapped_column(String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    area_ha: Mapped[int | None]
    established: Mapped[int | None]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    #: demo data, labelled as such on the site
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship()
    texts: Mapped[dict[str, ZoneText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


class ZoneText(TextMixin, db.Model):
    __table_args__ = (UniqueConstraint("zone_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown
    incentives: Mapped[str] = mapped_column(Text, default="")
    #: Markdown: power, gas, water, connectivity and tariffs
    utilities: Mapped[str] = mapped_column(Text, default="")
    tax_regime: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(300), default="")


class Opportunity(Translated, db.Model):
    __table_args__ = (
        # The public list always filters on state; these serve its filters and sorts.
        Index("ix_opportunity_state_featured", "state", "featured", "published_at"),
        Index("ix_opportunity_state_published_at", "state", "published_at"),
        Index("ix_opportunity_state_min_usd", "state", "min_usd"),
        Index("ix_opportunity_state_max_usd", "state", "max_usd"),
        Index("ix_opportunity_state_verified", "state", "last_verified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(40))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    #: investment range, whole US dollars
    min_usd: Mapped[int | None] = mapped_column(BigInteger)
    max_usd: Mapped[int | None] = mapped_column(BigInteger)
    #: one of OPPORTUNITY_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    #: one of STAGES
    stage: Mapped[str] = mapped_column(String(20), index=True)
    #: workflow state, one of STATES; only "published" is public
    state: Mapped[str] = mapped_column(String(20), default="draft")
    featured: Mapped[bool] = mapped_column(default=False)
    #: demo data, labelled as such on the site
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    #: when a curator last confirmed the listing is still true
    last_verified_at: Mapped[datetime | None]
    #: who sent it for review; another person must publish it
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: who last changed its content; they may not be the one to publish it either
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    sector: Mapped[Sector] = relationship()
    zone: Mapped[Zone | None] = relationship()
    agency: Mapped[Agency] = relationship()
    texts: Mapped[dict[str, OpportunityText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.id", cascade="all, delete-orphan", back_populates="opportunity"
    )


class Attachment(db.Model):
    """A brochure (PDF) or picture of an opportunity.

    The bytes live in the database, not on a server's disk, so that any number
    of app servers can serve them.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    #: the name shown and offered for download, cleaned of paths and odd characters
    filename: Mapped[str] = mapped_column(String(200))
    #: detected from the content, never taken from the upload
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    opportunity: Mapped[Opportunity] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class OpportunityText(TextMixin, db.Model):
    # On PostgreSQL the migration adds a generated ``search_vector`` column with a
    # GIN index; on SQLite triggers keep the FTS5 table ``opportunity_search`` in
    # step. Neither is mapped here: catalogue.search is the one way to query them.
    __table_args__ = (UniqueConstraint("opportunity_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown, rendered and sanitised on display
    body: Mapped[str] = mapped_column(Text, default="")
