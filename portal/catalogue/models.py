"""Sectors, zones and opportunities, each with its texts stored per language, and the codes they use."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from portal.agencies.models import Agency
from portal.core.citations import Cited
from portal.core.extensions import Model
from portal.core.freshness import public
from portal.core.time import utcnow
from portal.core.translated import TextMixin, Translated
from portal.core.vocabulary import Vocabulary
from portal.staff.models import User

#: what the slug of a listing, sector or zone looks like: the last part of its address
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,119}$")

REGIONS = Vocabulary(
    {
        "pk-punjab": _l("Punjab"),
        "pk-sindh": _l("Sindh"),
        "pk-kp": _l("Khyber Pakhtunkhwa"),
        "pk-balochistan": _l("Balochistan"),
        "pk-islamabad": _l("Islamabad Capital Territory"),
        "pk-gb": _l("Gilgit-Baltistan"),
        "pk-ajk": _l("Azad Jammu and Kashmir"),
        "kg-bishkek": _l("Bishkek"),
        "kg-osh-city": _l("Osh (city)"),
        "kg-chui": _l("Chüy Region"),
        "kg-issyk-kul": _l("Issyk-Kul Region"),
        "kg-naryn": _l("Naryn Region"),
        "kg-talas": _l("Talas Region"),
        "kg-jalal-abad": _l("Jalal-Abad Region"),
        "kg-osh": _l("Osh Region"),
        "kg-batken": _l("Batken Region"),
    }
)
ZONE_KINDS = Vocabulary(
    sez=_l("Special economic zone"),
    fez=_l("Free economic zone"),
    tech_park=_l("Technology park"),
    logistics=_l("Logistics centre"),
    industrial_estate=_l("Industrial estate"),
)
OPPORTUNITY_KINDS = Vocabulary(
    greenfield=_l("Greenfield project"),
    joint_venture=_l("Joint venture"),
    equity=_l("Equity stake"),
    ppp=_l("Public-private partnership"),
    expansion=_l("Expansion"),
    export=_l("Export partnership"),
)
STAGES = Vocabulary(
    concept=_l("Concept"),
    feasibility=_l("Feasibility study done"),
    ready=_l("Ready for investment"),
    operating=_l("Operating business"),
)
#: where a zone stands; a listing in a zone that is not operational says so
ZONE_STATUSES = Vocabulary(
    operational=_l("Operational"),
    under_development=_l("Under development"),
    planned=_l("Planned"),
    suspended=_l("Suspended"),
    closed=_l("Closed"),
)
#: what investors should know about a zone that is not operational; %(zone)s is its name
ZONE_STATUS_NOTES = Vocabulary(
    under_development=_l(
        "%(zone)s is under development: land, buildings and utilities may not all be ready yet. "
        "Ask the agency what is available today."
    ),
    planned=_l(
        "%(zone)s is planned and not yet built: nothing can be set up there yet. Ask the agency about its timetable."
    ),
    suspended=_l("%(zone)s is suspended: it does not take new investors for now."),
    closed=_l("%(zone)s is closed: it no longer takes investors."),
)
#: the groups of facts a source can back, by the kind of item they belong to (``citations``)
FACT_TOPICS = Vocabulary(
    location=_l("Location"),
    status=_l("Area and status"),
    incentives=_l("Incentives and tax regime"),
    land=_l("Land and lease terms"),
    figures=_l("Figures"),
    contacts=_l("Contact details"),
    general=_l("Facts"),
    company=_l("Registering a company"),
    visas=_l("Visas for investors"),
    repatriation=_l("Repatriating profits"),
    aftercare=_l("Aftercare"),
    rule=_l("The rule and its rates"),
)
TOPICS_OF = {
    "zone": ("location", "status", "incentives", "land", "figures"),
    "opportunity": ("incentives", "figures"),
    "sector": ("figures",),
    "agency": ("contacts",),
    "agreement": ("general",),
    "trade_figure": ("general",),
    "guide": ("company", "visas", "land", "repatriation", "aftercare"),
    "incentive_rule": ("rule",),
}
#: where an agreement or commitment between the two countries stands
AGREEMENT_STATUSES = Vocabulary(
    signed=_l("Signed"),
    in_force=_l("In force"),
    in_progress=_l("Under way"),
    stalled=_l("Stalled"),
)
FIGURE_KINDS = Vocabulary(actual=_l("Recorded"), target=_l("Target"))
#: a listing's workflow state (see catalogue.workflow); only "published" is public
STATES = Vocabulary(
    draft=_l("Draft"),
    in_review=_l("In review"),
    published=_l("Published"),
    archived=_l("Archived"),
)


@public
class Source(Model):
    """A published document that backs facts shown to investors: a law, an agency's page, a news report."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a short stable name, used by the demo data and the API
    key: Mapped[str] = mapped_column(String(80), unique=True)
    #: as published, in the language it was published in
    title: Mapped[str] = mapped_column(String(400))
    publisher: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    #: a reference to a document without an address ("SRO 1209(I)/2024"), when there is no URL
    document: Mapped[str] = mapped_column(String(300), default="")
    #: when it was published; none for an undated page, which says when it was consulted instead
    published_on: Mapped[date | None]
    consulted_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@public
class Sector(Cited, Translated, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: order in which sectors are listed
    position: Mapped[int] = mapped_column(default=0)

    texts: Mapped[dict[str, SectorText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


@public
class SectorText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("sector_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


@public
class Zone(Cited, Translated, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    #: one of ZONE_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    #: one of REGIONS
    region: Mapped[str] = mapped_column(String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    area_ha: Mapped[int | None]
    established: Mapped[int | None]
    #: one of ZONE_STATUSES
    status: Mapped[str] = mapped_column(String(20), default="operational", server_default="operational")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    #: demo data, labelled as such on the site
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship()
    texts: Mapped[dict[str, ZoneText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


@public
class ZoneText(TextMixin, Model):
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
    #: Markdown: who may hold land, plots, lease terms and prices
    land: Mapped[str] = mapped_column(Text, default="", server_default="")
    operator: Mapped[str] = mapped_column(String(300), default="")


@public
class Opportunity(Cited, Translated, Model):
    __table_args__ = (
        # The public list always filters on state; these serve its filters and sorts.
        Index("ix_opportunity_state_featured", "state", "featured", "published_at"),
        Index("ix_opportunity_state_published_at", "state", "published_at"),
        Index("ix_opportunity_state_min_usd", "state", "min_usd"),
        Index("ix_opportunity_state_max_usd", "state", "max_usd"),
        Index("ix_opportunity_state_verified", "state", "last_verified_at"),
        # facet counts and filters: each facet's column after state, so a count reads one index
        Index("ix_opportunity_state_sector", "state", "sector_id"),
        Index("ix_opportunity_state_country", "state", "country"),
        Index("ix_opportunity_state_zone", "state", "zone_id"),
        Index("ix_opportunity_state_stage", "state", "stage"),
        Index("ix_opportunity_state_kind", "state", "kind"),
        Index("ix_opportunity_state_region", "state", "region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    #: one of REGIONS
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

    @property
    def public_attachments(self) -> list[Attachment]:
        """The files the public may see: a file added to a published listing waits for a second person."""
        return [file for file in self.attachments if file.approved]


@public
class Attachment(Model):
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
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: when it became public: at once on a listing not yet published (its publication is the review),
    #: on a published listing when a second person approves it
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    opportunity: Mapped[Opportunity] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


@public
class OpportunityText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("opportunity_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown, rendered and sanitised on display
    body: Mapped[str] = mapped_column(Text, default="")


class SearchTerm(Model):
    """A stem found in published listings (catalogue.index keeps it in step): the search's vocabulary.

    Misspelt and inflected words of a query are matched against it, and "did you mean" picks from it.
    """

    term: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: a word of the catalogue that has this stem, to show to visitors
    word: Mapped[str] = mapped_column(String(60))
    #: how many published listings contain it
    documents: Mapped[int] = mapped_column(default=0)


@public
class Synonym(Model):
    """Words and phrases that mean the same to an investor, in any language: "Kyrgyzstan, Киргизия, SEZ…".

    A query containing one of them finds listings containing any of them. Curators keep the list.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the words and phrases, separated by commas (see ``split``)
    phrases: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @staticmethod
    def split(text: str) -> list[str]:
        """The phrases of ``text``, separated by commas (Latin or Arabic-script)."""
        return [phrase.strip() for phrase in re.split("[,،]", text or "") if phrase.strip()]


#: where a revision is (``Revision.state``)
REVISION_STATES = Vocabulary(
    pending=_l("Waiting for review"),
    approved=_l("Approved and published"),
    rejected=_l("Rejected"),
    withdrawn=_l("Withdrawn: the item was no longer public"),
)


class Revision(Model):
    """A change to public content (a published listing, a zone, a sector), held until a second person approves it.

    It holds the whole proposed version of the item's edited columns and texts;
    the public sees the item as it is until the revision is approved. A revision
    with no item proposes a new zone or sector.
    """

    __table_args__ = (Index("ix_revision_state_agency", "state", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the editor kind: "opportunity", "zone" or "sector"
    kind: Mapped[str] = mapped_column(String(20))
    #: the item it changes; none when it proposes a new one
    item_id: Mapped[int | None] = mapped_column(index=True)
    #: whose curators may review it: the item's agency as it is (none: administrators only, as for sectors)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    #: the item's slug as proposed, to name it in lists and in the audit log
    key: Mapped[str] = mapped_column(String(120))
    #: {column: value} of the columns the editor edits
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: {lang: {field: text} or None (the language's text removed)}
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: one of REVISION_STATES
    state: Mapped[str] = mapped_column(String(20), default="pending")
    #: raised by every save, so that a reviewer approves the version they saw, not one written since
    version: Mapped[int] = mapped_column(default=1)
    #: everyone who wrote any of it: none of them may approve it
    editor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


@public
class Agreement(Cited, Translated, Model):
    """An agreement or commitment between Pakistan and Kyrgyzstan, on the corridor page's tracker."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    #: when it was signed, or the commitment made
    concluded_on: Mapped[date]
    #: one of AGREEMENT_STATUSES
    status: Mapped[str] = mapped_column(String(20))
    #: the sectors and listings it concerns (ids)
    sector_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    opportunity_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    texts: Mapped[dict[str, AgreementText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


@public
class AgreementText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("agreement_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    #: who signed or committed
    parties: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


@public
class TradeFigure(Cited, Translated, Model):
    """Trade between the two countries over a period, recorded or aimed at."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    #: one of FIGURE_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    #: both directions, whole US dollars
    value_usd: Mapped[int] = mapped_column(BigInteger)
    period_start: Mapped[date | None]
    period_end: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    texts: Mapped[dict[str, TradeFigureText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


@public
class TradeFigureText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("trade_figure_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trade_figure_id: Mapped[int] = mapped_column(ForeignKey("trade_figure.id", ondelete="CASCADE"))
    #: the period as people say it: "Fiscal year 2022–23 (July–June)"
    label: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


#: the parts of a guide to investing, in the order they are shown
GUIDE_SECTIONS = ("company", "visas", "land", "repatriation", "aftercare")
#: the guide of each country, by the last part of its address
GUIDE_PAGES = {"pakistan": "PK", "kyrgyzstan": "KG"}


@public
class Guide(Cited, Translated, Model):
    """How to invest in one country: short, sourced sections the agency keeps current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166 code of the country
    country: Mapped[str] = mapped_column(String(2), unique=True)
    #: when the whole guide was last checked against its sources
    as_of: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    texts: Mapped[dict[str, GuideText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


@public
class GuideText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("guide_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown, one per GUIDE_SECTIONS
    company: Mapped[str] = mapped_column(Text, default="")
    visas: Mapped[str] = mapped_column(Text, default="")
    land: Mapped[str] = mapped_column(Text, default="")
    repatriation: Mapped[str] = mapped_column(Text, default="")
    aftercare: Mapped[str] = mapped_column(Text, default="")


#: what an incentive rule's rates apply to (``catalogue.incentives.base``)
INCENTIVE_BASES = Vocabulary(
    profit=_l("Annual profit"),
    export_profit=_l("Annual profit from exports"),
    imported_equipment=_l("Imported equipment (once, in the first year)"),
    payroll=_l("Pay of the jobs created"),
)


@public
class IncentiveRule(Cited, Translated, Model):
    """One incentive of some zones, as a rate below the general regime's: what the estimator reckons with.

    Its rates and years come from its sources (cited under "rule"), as the agency's curators read them.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    #: the zones it applies in (ids), all in the agency's country
    zone_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: one of INCENTIVE_BASES
    basis: Mapped[str] = mapped_column(String(20))
    #: percent: under the general regime, and under this rule (not above the general one)
    general_rate: Mapped[float] = mapped_column(Float)
    rule_rate: Mapped[float] = mapped_column(Float)
    #: the years of a project it applies in, from 1
    first_year: Mapped[int] = mapped_column(default=1)
    last_year: Mapped[int] = mapped_column(default=10)
    #: the first day it no longer applies, when it has an end (a sunset clause)
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship()
    texts: Mapped[dict[str, IncentiveRuleText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )


@public
class IncentiveRuleText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("incentive_rule_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incentive_rule_id: Mapped[int] = mapped_column(ForeignKey("incentive_rule.id", ondelete="CASCADE"))
    #: "Income tax exemption for zone enterprises"
    name: Mapped[str] = mapped_column(String(300))
    #: the general regime it is measured against: "Corporate income tax"
    general: Mapped[str] = mapped_column(String(300), default="")
    #: conditions and caveats an investor must know
    note: Mapped[str] = mapped_column(Text, default="")
