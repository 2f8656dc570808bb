"""The whole published catalogue in one file: CSV, JSON and JSON Lines, written as it is read.

Listings are read a batch at a time, in order of id, and each batch is written out
before the next is read: 100,000 listings never sit in memory together. The ETag is the
content version (core.freshness), known before the first byte, so a client that has
today's file gets a 304 without the catalogue being read at all.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, request, stream_with_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.core.freshness import current
from portal.opendata import records

#: listings read from the database at a time
BATCH = 500
FORMATS = {"csv": "text/csv", "json": "application/json", "jsonl": "application/x-ndjson"}


def published(lang: str | None) -> Iterator[dict[str, Any]]:
    """Every published listing as the API shows it, a batch at a time."""
    recorded = records.Opportunities(lang)
    after = 0
    batch = current_app.config.get("DOWNLOAD_BATCH", BATCH)
    while True:
        statement = (
            select(Opportunity)
            .where(Opportunity.state == "published", Opportunity.id > after)
            .order_by(Opportunity.id)
            .limit(batch)
            .options(selectinload(Opportunity.texts))
        )
        items = list(db.session.scalars(statement))
        if not items:
            return
        for item in items:
            yield recorded.record(item)
        after = items[-1].id
        db.session.expunge_all()  # what was written is not kept


def _columns(languages: list[str]) -> list[str]:
    head = [
        "id",
        "slug",
        "sector",
        "country",
        "region",
        "zone",
        "agency",
        "kind",
        "stage",
        "min_usd",
        "max_usd",
        "currency",
        "featured",
        "sample",
        "published_at",
        "updated_at",
    ]
    texts = [f"{field}_{lang}" for lang in languages for field in records.OPPORTUNITY_TEXT]
    pages = [f"page_{lang}" for lang in languages]
    return head + texts + pages


def _row(record: dict[str, Any]) -> dict[str, Any]:
    row = {name: record[name] for name in ("id", "slug", "sector", "country", "region", "zone", "agency", "kind")}
    row.update(stage=record["stage"], featured=record["featured"], sample=record["sample"])
    row.update(published_at=record["published_at"], updated_at=record["updated_at"])
    row.update(min_usd=record["investment"]["min"], max_usd=record["investment"]["max"], currency="USD")
    for lang, text in record["texts"].items():
        row.update({f"{field}_{lang}": text[field] for field in records.OPPORTUNITY_TEXT})
    row.update({f"page_{lang}": url for lang, url in record["pages"].items()})
    return row


def _csv(items: Iterator[dict[str, Any]], languages: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(languages), extrasaction="ignore")
    writer.writeheader()
    for item in items:
        writer.writerow(_row(item))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for i, item in enumerate(items):
        yield ("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]\n"


def _jsonl(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    for item in items:
        yield json.dumps(item, ensure_ascii=False) + "\n"


def download(kind: str, lang: str | None) -> Response:
    """The catalogue as a file of ``kind`` (csv, json, jsonl), texts in ``lang`` or every language."""
    etag = f"catalogue-{current()}-{lang or 'all'}-{kind}"
    name = f"opportunities{'-' + lang if lang else ''}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-cache"}
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304, headers=headers)
    else:
        items = published(lang)
        languages = [lang] if lang else list(current_app.config["LANGUAGES"])
        chunks = {"csv": lambda: _csv(items, languages), "json": lambda: _json(items), "jsonl": lambda: _jsonl(items)}
        body = stream_with_context(chunk.encode() for chunk in chunks[kind]())
        response = Response(body, headers=headers, content_type=f"{FORMATS[kind]}; charset=utf-8")
    response.set_etag(etag, weak=True)
    return response
