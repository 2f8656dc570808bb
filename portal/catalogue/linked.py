"""What a page says of itself to search engines and link previews: schema.org JSON-LD.

Opportunities are offers made by their agency (a government organisation), with the
investment range as the price and the zone as the place; zones are places with their
coordinates; the agencies are government organisations. Pages render these with
``|tojson`` inside ``<script type="application/ld+json">``.
"""

from __future__ import annotations

from typing import Any

from babel import Locale

from portal.agencies.models import Agency
from portal.catalogue.models import Opportunity, Sector, Zone
from portal.core.i18n import portal_url

CONTEXT = "https://schema.org"


def _country(code: str, lang: str) -> dict[str, str]:
    return {"@type": "Country", "name": Locale.parse(lang).territories.get(code, code), "identifier": code}


def agency(item: Agency, lang: str) -> dict[str, Any]:
    text = item.translation(lang)
    out: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "name": text.name if text else item.code,
        "alternateName": item.code,
        "areaServed": _country(item.country, lang),
    }
    if item.website:
        out["url"] = item.website
    return out


def _geo(zone: Zone) -> dict[str, Any] | None:
    if zone.latitude is None or zone.longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": zone.latitude, "longitude": zone.longitude}


def zone(item: Zone, lang: str) -> dict[str, Any]:
    text = item.translation(lang)
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Place",
        "name": text.name if text else item.slug,
        "description": text.summary if text else "",
        "url": portal_url("catalogue.zone", lang=lang, slug=item.slug),
        "address": {"@type": "PostalAddress", "addressCountry": item.country},
        "containedInPlace": _country(item.country, lang),
    }
    geo = _geo(item)
    if geo:
        out["geo"] = geo
    return out


def opportunity(item: Opportunity, sector: Sector, zone_: Zone | None, lang: str) -> dict[str, Any]:
    text = item.translation(lang)
    sector_text = sector.translation(lang)
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Offer",
        "name": text.title if text else item.slug,
        "description": text.summary if text else "",
        "url": portal_url("catalogue.opportunity", lang=lang, slug=item.slug),
        "category": sector_text.name if sector_text else sector.slug,
        "offeredBy": agency(item.agency, lang),
        "areaServed": _country(item.country, lang),
    }
    if item.min_usd is not None or item.max_usd is not None:
        price: dict[str, Any] = {"@type": "PriceSpecification", "priceCurrency": "USD"}
        if item.min_usd is not None:
            price["minPrice"] = item.min_usd
        if item.max_usd is not None:
            price["maxPrice"] = item.max_usd
        out["priceSpecification"] = price
    if zone_ is not None:
        place = {k: v for k, v in zone(zone_, lang).items() if k != "@context"}
        out["availableAtOrFrom"] = place
    if item.published_at is not None:
        out["validFrom"] = item.published_at.date().isoformat()
    return out


def agencies(items: list[Agency], lang: str) -> dict[str, Any]:
    return {"@context": CONTEXT, "@graph": [agency(item, lang) for item in items]}
