"""The agencies (BOI for Pakistan, NIA for Kyrgyzstan), with their names per language."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from portal.core.citations import Cited
from portal.core.extensions import Model, db
from portal.core.time import local_today
from portal.core.translated import TextMixin, Translated

#: ISO 3166 codes of the countries the portal serves
COUNTRIES = ("PK", "KG")
#: where each country's agency works: its promised dates and reference years follow this calendar
TIME_ZONES = {"PK": "Asia/Karachi", "KG": "Asia/Bishkek"}


class Agency(Cited, Translated, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    #: ISO 3166 code of the country the agency acts for
    country: Mapped[str] = mapped_column(String(2))
    website: Mapped[str] = mapped_column(String(200), default="")
    #: as the agency publishes it, in international format
    phone: Mapped[str] = mapped_column(String(60), default="", server_default="")
    #: where enquiries routed to this agency are sent; several separated by commas
    enquiry_email: Mapped[str] = mapped_column(String(300))
    #: working days within which the agency promises a reply
    reply_days: Mapped[int] = mapped_column(default=5)
    #: language of the enquiry notifications its staff receive
    notification_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    texts: Mapped[dict[str, AgencyText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan"
    )

    def local_today(self, now_utc: datetime) -> date:
        """The date at the agency's offices when it is ``now_utc`` (naive UTC)."""
        return local_today(TIME_ZONES.get(self.country, "UTC"), now_utc)

    @property
    def enquiry_addresses(self) -> list[str]:
        return [address.strip() for address in (self.enquiry_email or "").split(",") if address.strip()]


class AgencyText(TextMixin, Model):
    __table_args__ = (UniqueConstraint("agency_id", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the postal address, written for readers of the language
    address: Mapped[str] = mapped_column(Text, default="", server_default="")


def all_agencies() -> list[Agency]:
    statement = select(Agency).options(joinedload(Agency.texts)).order_by(Agency.code)
    return list(db.session.scalars(statement).unique())
