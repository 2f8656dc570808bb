"""The sample catalogue loaded by ``flask --app portal seed --demo``.

The texts live in JSON files beside this module, one object per record with its
texts in every language, one file per country or topic. Facts cite sources by
their key (``sources_*.json``). Loading adds what is missing and leaves what
exists alone, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.agencies.models import Agency, AgencyText
from portal.catalogue.models import (
    Agreement,
    AgreementText,
    Guide,
    GuideText,
    IncentiveRule,
    IncentiveRuleText,
    Opportunity,
    OpportunityText,
    Sector,
    SectorText,
    Source,
    TradeFigure,
    TradeFigureText,
    Zone,
    ZoneText,
)
from portal.core.extensions import db

DATA = Path(__file__).with_name("demo")


def records(stem: str) -> list[dict[str, Any]]:
    """The records of every ``<stem>*.json`` file: one file per country (Pakistan's first) or topic."""
    paths = sorted(DATA.glob(f"{stem}*.json"), reverse=True)
    return [record for path in paths for record in json.loads(path.read_text(encoding="utf-8"))]


def _texts(model: Any, record: dict[str, Any]) -> dict[str, Any]:
    """The record's texts; the English ones are the agencies' own, the others draft translations to verify."""
    return {lang: model(lang=lang, **{"verified": lang == "en", **fields}) for lang, fields in record["texts"].items()}


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


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def load() -> dict[str, int]:
    """Add the sample sources, agencies, sectors, zones, opportunities, agreements, trade figures, guides
    and incentive rules that are missing.

    Returns how many of each were added.
    """
    added = {}
    sources, added["sources"] = _add_missing(
        Source,
        "key",
        records("sources"),
        lambda record, _: Source(
            **_copy(record, "key", "title", "publisher"),
            url=record.get("url") or "",
            document=record.get("document") or "",
            published_on=_day(record.get("date")),
            consulted_on=_day(record.get("consulted")),
        ),
    )
    db.session.flush()

    def cited(record: dict[str, Any]) -> list[dict[str, Any]]:
        """The record's citations, naming each source by its id."""
        return [
            {"topic": c["topic"], "source": sources[c["source"]].id, "as_of": c["as_of"]}
            for c in record.get("citations", [])
        ]

    agencies, added["agencies"] = _add_missing(
        Agency,
        "code",
        records("agencies"),
        lambda record, _: Agency(
            **_copy(record, "code", "country", "website", "enquiry_email", "reply_days"),
            phone=record.get("phone") or "",
            notification_language=record.get("notification_language", "en"),
            citations=cited(record),
            texts=_texts(AgencyText, record),
        ),
    )
    sectors, added["sectors"] = _add_missing(
        Sector,
        "slug",
        records("sectors"),
        lambda record, position: Sector(
            slug=record["slug"], position=position, citations=cited(record), texts=_texts(SectorText, record)
        ),
    )
    zones, added["zones"] = _add_missing(
        Zone,
        "slug",
        records("zones"),
        lambda record, _: Zone(
            **_copy(record, "slug", "country", "kind", "region"),
            status=record.get("status", "operational"),
            latitude=record.get("lat"),
            longitude=record.get("lon"),
            area_ha=record.get("area_ha"),
            established=record.get("established"),
            agency=agencies[record["agency"]],
            is_sample=True,
            citations=cited(record),
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
            citations=cited(record),
            texts=_texts(OpportunityText, record),
        )

    opportunities, added["opportunities"] = _add_missing(Opportunity, "slug", records("opportunities"), opportunity)
    db.session.flush()
    _, added["agreements"] = _add_missing(
        Agreement,
        "slug",
        records("agreements"),
        lambda record, _: Agreement(
            slug=record["slug"],
            concluded_on=date.fromisoformat(record["date"]),
            status=record["status"],
            sector_ids=[sectors[slug].id for slug in record.get("sectors", [])],
            opportunity_ids=[opportunities[slug].id for slug in record.get("opportunities", [])],
            citations=cited(record),
            texts=_texts(AgreementText, record),
        ),
    )
    _, added["trade figures"] = _add_missing(
        TradeFigure,
        "slug",
        [{"slug": record["key"], **record} for record in records("trade_figures")],
        lambda record, _: TradeFigure(
            slug=record["slug"],
            kind=record["kind"],
            value_usd=record["value_usd"],
            period_start=_day(record.get("period_start")),
            period_end=date.fromisoformat(record["period_end"]),
            citations=cited(record),
            texts=_texts(TradeFigureText, record),
        ),
    )
    _, added["guides"] = _add_missing(
        Guide,
        "country",
        records("guides"),
        lambda record, _: Guide(
            country=record["country"],
            as_of=date.fromisoformat(record["as_of"]),
            citations=cited(record),
            texts=_texts(GuideText, record),
        ),
    )
    _, added["incentive rules"] = _add_missing(
        IncentiveRule,
        "slug",
        records("incentive_rules"),
        lambda record, _: IncentiveRule(
            **_copy(record, "slug", "basis", "general_rate", "rule_rate", "first_year", "last_year"),
            agency=agencies[record["agency"]],
            zone_ids=[zones[slug].id for slug in record["zones"]],
            ends_on=_day(record.get("ends_on")),
            citations=cited(record),
            texts=_texts(IncentiveRuleText, record),
        ),
    )
    db.session.commit()
    return added
