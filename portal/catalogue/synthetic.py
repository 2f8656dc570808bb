"""``flask --app portal seed --synthetic N``: many sample listings, to measure the portal at scale.

Each synthetic listing takes its texts, in all four languages, from a listing of
the demo catalogue (so its words are the catalogue's own), its title naming one
of its country's regions; sector and country follow that listing, while region,
zone, kind of deal, stage, size and dates are drawn at random. All are marked
as samples. Rows and index documents are written in batches straight through
SQLAlchemy Core: the stems of each demo text are worked out once, not once per
copy, so 100,000 listings take minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Table, func, insert, select, text

from portal.agencies.models import Agency
from portal.catalogue import demo, index
from portal.catalogue.models import OPPORTUNITY_KINDS, REGIONS, STAGES, Opportunity, OpportunityText, Zone
from portal.core.extensions import db
from portal.core.freshness import bump
from portal.core.time import utcnow

BATCH = 2000
STATES = [("published", 90), ("draft", 5), ("in_review", 3), ("archived", 2)]


class _Source:
    """A demo listing as material: its texts, and their stems worked out once."""

    def __init__(self, item: Opportunity, builder: Any, meta: Callable[[Any], str]):
        self.item = item
        self.texts = {lang: (t.title, t.summary, t.body) for lang, t in item.texts.items()}
        self.fields = {
            name: builder.field((getattr(t, name), lang) for lang, t in item.texts.items())
            for name in ("title", "summary", "body")
        }
        self.sector_meta = meta(item)


def _size(rng: random.Random) -> tuple[int, int]:
    low = 10 ** rng.uniform(5, 8.3)
    low = int(float(f"{low:.2g}"))
    return low, int(float(f"{low * rng.uniform(1.5, 5):.2g}"))


def add(count: int, progress: Callable[[int], None] = lambda n: None, seed: int = 2026) -> int:
    """Add ``count`` synthetic listings; ``progress`` is told how many each batch added. Returns how many."""
    demo.load()
    rng = random.Random(seed)
    connection = db.session.connection()
    builder = index._Builder()
    labels = index._labels(tuple(current_app.config["LANGUAGES"]))
    sector_names = index._names(connection, index.SectorText, "sector_id")
    zone_names = index._names(connection, index.ZoneText, "zone_id")

    def named(pairs: list[tuple[str, str]]) -> str:
        return builder.field(pairs)

    items = db.session.scalars(
        select(Opportunity).where(Opportunity.is_sample.is_(True), Opportunity.state == "published")
    )
    sources = [_Source(item, builder, lambda it: named(sector_names.get(it.sector_id, []))) for item in items.unique()]
    agencies = {agency.country: agency.id for agency in db.session.scalars(select(Agency))}
    zones = {
        country: [z.id for z in db.session.scalars(select(Zone).where(Zone.country == country))] for country in agencies
    }
    regions = {country: [code for code in REGIONS if code.startswith(country.lower() + "-")] for country in agencies}
    region_names = {code: {lang: text for text, lang in labels[("region", code)]} for code in REGIONS}
    region_terms = {code: named(labels[("region", code)]) for code in REGIONS}
    kind_terms = {code: named(labels[("kind", code)]) for code in OPPORTUNITY_KINDS}
    country_terms = {code: named(labels[("country", code)]) for code in agencies}
    zone_terms = {zone: named(names) for zone, names in zone_names.items()}
    state_names, state_weights = zip(*STATES, strict=True)
    first = (db.session.scalar(select(func.max(Opportunity.id))) or 0) + 1
    now = utcnow()
    opportunities, texts = Opportunity.__table__, OpportunityText.__table__
    assert isinstance(opportunities, Table) and isinstance(texts, Table)

    done = 0
    while done < count:
        rows, chosen = [], []
        for number in range(first + done, first + min(count, done + BATCH)):
            source = rng.choice(sources)
            country = source.item.country
            region = rng.choice(regions[country])
            zone = rng.choice(zones[country]) if zones[country] and rng.random() < 0.4 else None
            state = rng.choices(state_names, state_weights)[0]
            published = now - timedelta(days=rng.uniform(0, 730))
            low, high = _size(rng)
            rows.append(
                {
                    "slug": f"{source.item.slug[:100]}-s{number}",
                    "sector_id": source.item.sector_id,
                    "country": country,
                    "region": region,
                    "zone_id": zone,
                    "agency_id": agencies[country],
                    "min_usd": low,
                    "max_usd": high,
                    "kind": rng.choice(list(OPPORTUNITY_KINDS)),
                    "stage": rng.choice(list(STAGES)),
                    "state": state,
                    "featured": rng.random() < 0.01,
                    "is_sample": True,
                    "created_at": published,
                    "updated_at": published,
                    "published_at": published if state in ("published", "archived") else None,
                    "last_verified_at": published,
                }
            )
            chosen.append(source)
        ids = list(
            connection.scalars(insert(opportunities).returning(opportunities.c.id, sort_by_parameter_order=True), rows)
        )
        text_rows, documents = [], {}
        for listing, row, source in zip(ids, rows, chosen, strict=True):
            for lang, (title, summary, body) in source.texts.items():
                text_rows.append(
                    {
                        "opportunity_id": listing,
                        "lang": lang,
                        "title": f"{title} · {region_names[row['region']][lang]}"[:300],
                        "summary": summary,
                        "body": body,
                    }
                )
            if row["state"] == "published":
                meta = [
                    source.sector_meta,
                    country_terms[row["country"]],
                    region_terms[row["region"]],
                    kind_terms[row["kind"]],
                ]
                if row["zone_id"]:
                    meta.append(zone_terms.get(row["zone_id"], ""))
                documents[listing] = {
                    "title": source.fields["title"] + " " + region_terms[row["region"]],
                    "summary": source.fields["summary"],
                    "body": source.fields["body"],
                    "meta": " ".join(meta),
                }
        connection.execute(insert(texts), text_rows)
        index.store(connection, documents, builder.surface)
        bump(connection)
        db.session.commit()
        connection = db.session.connection()
        progress(len(rows))
        done += len(rows)
    # The planner's statistics describe the catalogue as it was: bring them up to date.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return done
