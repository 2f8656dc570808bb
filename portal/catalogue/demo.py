"""The sample catalogue loaded by ``flask --app portal seed --demo``.

The texts live in JSON files beside this module, one object per record with its
texts in every language. Loading adds what is missing and leaves what exists
alone, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.agencies.models import Agency, AgencyText
from portal.catalogue.models import Opportunity, OpportunityText, Sector, SectorText, Zone, ZoneText
from portal.core.extensions import db

DATA = Path(__file__).with_name("demo")


def _read(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _texts(model: Any, record: dict[str, Any]) -> dict[str, Any]:
    return {lang: model(lang=lang, **fields) for lang, fields in record["texts"].items()}


def _copy(record: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: record[name] for name in names}


def _add_missing(model: Any, key: str, records: list[dict[str, Any]], build: Any) -> tuple[dict[str, Any], int]:
    """Add a ``model`` row built from each record whose ``key`` is not in the database yet.

    Returns every row by its key, old and new, and how many were added.
    """
    rows = {getattr(row, key): row for row in db.session.scalars(select(model))}
    added = 0
    for position, record in enumerate(records):
        if record[key] not in rows:
            rows[record[key]] = build(record, position)
            db.session.add(rows[record[key]])
            added += 1
    return rows, added


def load() -> dict[str, int]:
    """Add the sample agencies, sectors, zones and opportunities that are missing.

    Returns how many of each were added.
    """
    added = {}
    agencies, added["agencies"] = _add_missing(
        Agency,
        "code",
        _read("agencies.json"),
        lambda record, _: Agency(
            **_copy(record, "code", "country", "website", "enquiry_email", "reply_days"),
            notification_language=record.get("notification_language", "en"),
            texts=_texts(AgencyText, record),
        ),
    )
    sectors, added["sectors"] = _add_missing(
        Sector,
        "slug",
        _read("sectors.json"),
        lambda record, position: Sector(slug=record["slug"], position=position, texts=_texts(SectorText, record)),
    )
    zones, added["zones"] = _add_missing(
        Zone,
        "slug",
        _read("zones.json"),
        lambda record, _: Zone(
            **_copy(record, "slug", "country", "kind", "region"),
            latitude=record.get("lat"),
            longitude=record.get("lon"),
            area_ha=record.get("area_ha"),
            established=record.get("established"),
            agency=agencies[record["agency"]],
            is_sample=True,
            texts=_texts(ZoneText, record),
        ),
    )

    def opportunity(record: dict[str, Any], _: int) -> Opportunity:
        published = datetime.fromisoformat(record["published"])
        return Opportunity(
            **_copy(record, "slug", "country", "region", "min_usd", "max_usd", "kind", "stage"),
            sector=sectors[record["sector"]],
            zone=zones[record["zone"]] if record.get("zone") else None,
            agency=agencies[record["agency"]],
            state="published",
            featured=record.get("featured", False),
            is_sample=True,
            created_at=published,
            updated_at=published,
            published_at=published,
            last_verified_at=published,
            texts=_texts(OpportunityText, record),
        )

    records = _read("opportunities_pk.json") + _read("opportunities_kg.json")
    _, added["opportunities"] = _add_missing(Opportunity, "slug", records, opportunity)
    db.session.commit()
    return added
