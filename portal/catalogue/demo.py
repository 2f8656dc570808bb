"""The sample catalogue loaded by ``flask --app portal seed --demo``.

The texts live in JSON files beside this module, one object per record with its
texts in every language. Loading adds what is missing and leaves what exists
alone, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from typing import Any

from portal.agencies.models import Agency, AgencyText
from portal.catalogue.models import Opportunity, OpportunityText, Sector, SectorText, Zone, ZoneText
from portal.core.extensions import db

DATA = Path(__file__).with_name("demo")


def _read(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _texts(model: Any, record: dict[str, Any]) -> dict[str, Any]:
    return {lang: model(lang=lang, **fields) for lang, fields in record["texts"].items()}


def load() -> dict[str, int]:
    """Add the sample agencies, sectors, zones and opportunities that are missing.

    Returns how many of each were added.
    """
    added = {"agencies": 0, "sectors": 0, "zones": 0, "opportunities": 0}

    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    for record in _read("agencies.json"):
        if record["code"] not in agencies:
            agency = Agency(
                code=record["code"],
                country=record["country"],
                website=record["website"],
                enquiry_email=record["enquiry_email"],
                reply_days=record["reply_days"],
                notification_language=record.get("notification_language", "en"),
                texts=_texts(AgencyText, record),
            )
            db.session.add(agency)
            agencies[agency.code] = agency
            added["agencies"] += 1

    sectors = {s.slug: s for s in db.session.scalars(select(Sector))}
    for position, record in enumerate(_read("sectors.json")):
        if record["slug"] not in sectors:
            sector = Sector(slug=record["slug"], position=position, texts=_texts(SectorText, record))
            db.session.add(sector)
            sectors[sector.slug] = sector
            added["sectors"] += 1

    zones = {z.slug: z for z in db.session.scalars(select(Zone))}
    for record in _read("zones.json"):
        if record["slug"] not in zones:
            zone = Zone(
                slug=record["slug"],
                country=record["country"],
                kind=record["kind"],
                region=record["region"],
                latitude=record.get("lat"),
                longitude=record.get("lon"),
                area_ha=record.get("area_ha"),
                established=record.get("established"),
                agency=agencies[record["agency"]],
                is_sample=True,
                texts=_texts(ZoneText, record),
            )
            db.session.add(zone)
            zones[zone.slug] = zone
            added["zones"] += 1

    existing = set(db.session.scalars(select(Opportunity.slug)))
    for name in ("opportunities_pk.json", "opportunities_kg.json"):
        for record in _read(name):
            if record["slug"] in existing:
                continue
            published = datetime.fromisoformat(record["published"])
            db.session.add(
                Opportunity(
                    slug=record["slug"],
                    sector=sectors[record["sector"]],
                    country=record["country"],
                    region=record["region"],
                    zone=zones[record["zone"]] if record.get("zone") else None,
                    agency=agencies[record["agency"]],
                    min_usd=record["min_usd"],
                    max_usd=record["max_usd"],
                    kind=record["kind"],
                    stage=record["stage"],
                    state="published",
                    featured=record.get("featured", False),
                    is_sample=True,
                    created_at=published,
                    updated_at=published,
                    published_at=published,
                    last_verified_at=published,
                    texts=_texts(OpportunityText, record),
                )
            )
            existing.add(record["slug"])
            added["opportunities"] += 1

    db.session.commit()
    return added
