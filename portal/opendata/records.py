"""The published catalogue as plain data: what the API, the downloads and the feeds say of each thing.

One function per kind of thing, used by every way out, so that the API, the CSV and
the JSON downloads cannot drift apart. Texts come in every language, or in one
(``lang``): the page's language where the item has it, else English, marked so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from portal.agencies.models import Agency, all_agencies
from portal.catalogue import content
from portal.catalogue.corridor import GUIDE_OF
from portal.catalogue.models import Agreement, Guide, Opportunity, Sector, Source, TradeFigure, Zone
from portal.core.i18n import portal_url

#: the fields of each kind's texts, as the API names them
OPPORTUNITY_TEXT = ("title", "summary", "body")
ZONE_TEXT = ("name", "summary", "incentives", "tax_regime", "land", "utilities", "operator")
SECTOR_TEXT = ("name", "description")
AGENCY_TEXT = ("name", "description", "address")
AGREEMENT_TEXT = ("title", "parties", "summary")
TRADE_FIGURE_TEXT = ("label", "note")
GUIDE_TEXT = ("title", "summary", "company", "visas", "land", "repatriation", "aftercare")


def moment(value: datetime | None) -> str | None:
    """A stored time (naive UTC) as RFC 3339."""
    return value.replace(microsecond=0).isoformat() + "Z" if value is not None else None


def texts(item: Any, fields: tuple[str, ...], lang: str | None) -> dict[str, dict[str, Any]]:
    """``item``'s texts by language: all of them, or the one shown in ``lang`` (``fallback`` when it is English)."""
    if lang is None:
        chosen = [(code, item.texts[code]) for code in current_app.config["LANGUAGES"] if code in item.texts]
    else:
        text = item.translation(lang)
        chosen = [(text.lang, text)] if text is not None else []
    out = {}
    for code, text in chosen:
        out[code] = {name: getattr(text, name) or "" for name in fields}
        if lang is not None:
            out[code]["fallback"] = code != lang
    return out


def source(item: Source) -> dict:
    return {
        "key": item.key,
        "title": item.title,
        "publisher": item.publisher,
        "url": item.url or None,
        "document": item.document or None,
        "published_on": item.published_on.isoformat() if item.published_on else None,
        "consulted_on": item.consulted_on.isoformat() if item.consulted_on else None,
    }


def facts(item: Any, kind: str) -> list[dict]:
    """The sources of each group of ``item``'s facts, and the date the group is true as of."""
    return [
        {"topic": group.topic, "as_of": group.as_of.isoformat(), "sources": [source(s) for s in group.sources]}
        for group in content.sourced(item, kind)
    ]


def page_links(endpoint: str, lang: str | None, **values: Any) -> dict[str, str]:
    """The public page of a thing in each language (or in ``lang``)."""
    languages = [lang] if lang else current_app.config["LANGUAGES"]
    return {code: portal_url(endpoint, lang=code, **values) for code in languages}


class Opportunities:
    """Turns listings into records, with the sectors, zones and agencies they name read once."""

    def __init__(self, lang: str | None):
        self.lang = lang
        self.sectors = {s.id: s for s in content.public_sectors()}
        self.zones = {z.id: z for z in content.public_zones()}
        self.agencies = {a.id: a for a in all_agencies()}

    def record(self, item: Opportunity) -> dict:
        zone_ = self.zones.get(item.zone_id) if item.zone_id is not None else None
        return opportunity(item, self.sectors[item.sector_id], zone_, self.agencies[item.agency_id], self.lang)


def opportunity(item: Opportunity, sector: Sector, zone: Zone | None, agency: Agency, lang: str | None) -> dict:
    return {
        "id": item.id,
        "slug": item.slug,
        "sector": sector.slug,
        "country": item.country,
        "region": item.region,
        "zone": zone.slug if zone is not None else None,
        "agency": agency.code,
        "kind": item.kind,
        "stage": item.stage,
        "investment": {"min": item.min_usd, "max": item.max_usd, "currency": "USD"},
        "featured": item.featured,
        "sample": item.is_sample,
        "published_at": moment(item.published_at),
        "updated_at": moment(item.updated_at),
        "texts": texts(item, OPPORTUNITY_TEXT, lang),
        "facts": facts(item, "opportunity"),
        "pages": page_links("catalogue.opportunity", lang, slug=item.slug),
    }


def zone(item: Zone, opportunities: int, lang: str | None) -> dict:
    located = item.latitude is not None and item.longitude is not None
    return {
        "id": item.id,
        "slug": item.slug,
        "country": item.country,
        "kind": item.kind,
        "status": item.status,
        "region": item.region,
        "location": {"latitude": item.latitude, "longitude": item.longitude} if located else None,
        "area_ha": item.area_ha,
        "established": item.established,
        "agency": item.agency.code,
        "opportunities": opportunities,
        "sample": item.is_sample,
        "updated_at": moment(item.updated_at),
        "texts": texts(item, ZONE_TEXT, lang),
        "facts": facts(item, "zone"),
        "pages": page_links("catalogue.zone", lang, slug=item.slug),
    }


def sector(item: Sector, opportunities: int, lang: str | None) -> dict:
    return {
        "id": item.id,
        "slug": item.slug,
        "opportunities": opportunities,
        "texts": texts(item, SECTOR_TEXT, lang),
        "facts": facts(item, "sector"),
        "pages": page_links("catalogue.sector", lang, slug=item.slug),
    }


def agency(item: Agency, lang: str | None) -> dict:
    return {
        "id": item.id,
        "code": item.code,
        "country": item.country,
        "website": item.website or None,
        "phone": item.phone or None,
        "reply_days": item.reply_days,
        "texts": texts(item, AGENCY_TEXT, lang),
        "facts": facts(item, "agency"),
    }


def agreement(item: Agreement, sectors: dict[int, Sector], listings: dict[int, Opportunity], lang: str | None) -> dict:
    return {
        "id": item.id,
        "slug": item.slug,
        "concluded_on": item.concluded_on.isoformat(),
        "status": item.status,
        "sectors": [sectors[i].slug for i in item.sector_ids or [] if i in sectors],
        "opportunities": [listings[i].slug for i in item.opportunity_ids or [] if i in listings],
        "updated_at": moment(item.updated_at),
        "texts": texts(item, AGREEMENT_TEXT, lang),
        "facts": facts(item, "agreement"),
    }


def trade_figure(item: TradeFigure, lang: str | None) -> dict:
    return {
        "id": item.id,
        "slug": item.slug,
        "kind": item.kind,
        "value_usd": item.value_usd,
        "period_start": item.period_start.isoformat() if item.period_start else None,
        "period_end": item.period_end.isoformat(),
        "texts": texts(item, TRADE_FIGURE_TEXT, lang),
        "facts": facts(item, "trade_figure"),
    }


def guide(item: Guide, lang: str | None) -> dict:
    return {
        "id": item.id,
        "country": item.country,
        "as_of": item.as_of.isoformat(),
        "updated_at": moment(item.updated_at),
        "texts": texts(item, GUIDE_TEXT, lang),
        "facts": facts(item, "guide"),
        "pages": page_links("corridor.guide", lang, country=GUIDE_OF[item.country]),
    }
