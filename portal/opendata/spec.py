"""The OpenAPI 3.1 document of ``/api/v1/``, made from the code's own lists.

The codes a parameter accepts (stages, kinds of deal, regions, sorts, languages, and the
slugs of today's sectors and zones) and the fields of each record are read from where the
API reads them (catalogue.models, catalogue.content, opendata.records), so the document
cannot offer what the API refuses. Schemathesis
checks every operation against it in the tests.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.agencies.models import COUNTRIES
from portal.catalogue import content, search
from portal.catalogue.models import (
    AGREEMENT_STATUSES,
    FACT_TOPICS,
    FIGURE_KINDS,
    OPPORTUNITY_KINDS,
    REGIONS,
    STAGES,
    ZONE_KINDS,
    ZONE_STATUSES,
    Opportunity,
)
from portal.core.extensions import db
from portal.opendata import records

SLUG = "^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _texts(fields: tuple[str, ...], languages: list[str]) -> dict[str, Any]:
    text = {
        "type": "object",
        "properties": {
            **{name: {"type": "string"} for name in fields},
            "fallback": {
                "type": "boolean",
                "description": "Only with `lang`: true when the item has no text in that language and "
                "this is the English one.",
            },
        },
        "required": list(fields),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "The texts by language: every language the item has, or with `lang` the one shown.",
        "propertyNames": {"enum": languages},
        "additionalProperties": text,
    }


def _pages(languages: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The item's public page in each language (or in `lang`).",
        "propertyNames": {"enum": languages},
        "additionalProperties": {"type": "string", "format": "uri"},
    }


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _schemas(languages: list[str]) -> dict[str, Any]:
    moment = {"type": "string", "format": "date-time"}
    usd = _nullable({"type": "integer", "minimum": 0})
    count = {"type": "integer", "minimum": 0}
    day = {"type": "string", "format": "date"}
    facts = {
        "type": "array",
        "description": "Each group of the item's facts with its sources and the date it is true as of.",
        "items": _object(
            {
                "topic": {"enum": list(FACT_TOPICS)},
                "as_of": day,
                "sources": {"type": "array", "items": _ref("Source")},
            }
        ),
    }
    return {
        "Source": _object(
            {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "publisher": {"type": "string"},
                "url": _nullable({"type": "string", "format": "uri"}),
                "document": _nullable({"type": "string"}),
                "published_on": _nullable(day),
                "consulted_on": _nullable({**day, "description": "For an undated page: when it was consulted."}),
            }
        ),
        "Agreement": _object(
            {
                "id": {"type": "integer"},
                "slug": {"type": "string", "pattern": SLUG},
                "concluded_on": day,
                "status": {"enum": list(AGREEMENT_STATUSES)},
                "sectors": {"type": "array", "items": {"type": "string", "pattern": SLUG}},
                "opportunities": {"type": "array", "items": {"type": "string", "pattern": SLUG}},
                "updated_at": moment,
                "texts": _texts(records.AGREEMENT_TEXT, languages),
                "facts": facts,
            }
        ),
        "TradeFigure": _object(
            {
                "id": {"type": "integer"},
                "slug": {"type": "string", "pattern": SLUG},
                "kind": {"enum": list(FIGURE_KINDS)},
                "value_usd": {"type": "integer", "minimum": 0, "description": "Both directions, US dollars."},
                "period_start": _nullable(day),
                "period_end": day,
                "texts": _texts(records.TRADE_FIGURE_TEXT, languages),
                "facts": facts,
            }
        ),
        "Guide": _object(
            {
                "id": {"type": "integer"},
                "country": {"enum": list(COUNTRIES)},
                "as_of": day,
                "updated_at": moment,
                "texts": _texts(records.GUIDE_TEXT, languages),
                "facts": facts,
                "pages": _pages(languages),
            }
        ),
        "Opportunity": _object(
            {
                "id": {"type": "integer", "description": "Stable identifier."},
                "slug": {"type": "string", "pattern": SLUG},
                "sector": {"type": "string", "pattern": SLUG, "description": "The sector's slug."},
                "country": {"enum": list(COUNTRIES)},
                "region": {"enum": list(REGIONS)},
                "zone": _nullable({"type": "string", "pattern": SLUG}),
                "agency": {"type": "string", "description": "Code of the agency that answers enquiries about it."},
                "kind": {"enum": list(OPPORTUNITY_KINDS)},
                "stage": {"enum": list(STAGES)},
                "investment": _object({"min": usd, "max": usd, "currency": {"const": "USD"}}),
                "featured": {"type": "boolean"},
                "sample": {"type": "boolean", "description": "True for demonstration content, not a real offer."},
                "published_at": _nullable(moment),
                "updated_at": moment,
                "texts": _texts(records.OPPORTUNITY_TEXT, languages),
                "facts": facts,
                "pages": _pages(languages),
            }
        ),
        "Zone": _object(
            {
                "id": {"type": "integer"},
                "slug": {"type": "string", "pattern": SLUG},
                "country": {"enum": list(COUNTRIES)},
                "kind": {"enum": list(ZONE_KINDS)},
                "status": {"enum": list(ZONE_STATUSES)},
                "region": {"enum": list(REGIONS)},
                "location": _nullable(
                    _object(
                        {
                            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                        }
                    )
                ),
                "area_ha": _nullable({"type": "integer"}),
                "established": _nullable({"type": "integer"}),
                "agency": {"type": "string"},
                "opportunities": count,
                "sample": {"type": "boolean"},
                "updated_at": moment,
                "texts": _texts(records.ZONE_TEXT, languages),
                "facts": facts,
                "pages": _pages(languages),
            }
        ),
        "Sector": _object(
            {
                "id": {"type": "integer"},
                "slug": {"type": "string", "pattern": SLUG},
                "opportunities": count,
                "texts": _texts(records.SECTOR_TEXT, languages),
                "facts": facts,
                "pages": _pages(languages),
            }
        ),
        "Agency": _object(
            {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "country": {"enum": list(COUNTRIES)},
                "website": _nullable({"type": "string"}),
                "phone": _nullable({"type": "string"}),
                "reply_days": {"type": "integer", "description": "Working days within which it promises a reply."},
                "texts": _texts(records.AGENCY_TEXT, languages),
                "facts": facts,
            }
        ),
        "OpportunityPage": _object(
            {
                "items": {"type": "array", "items": _ref("Opportunity")},
                "total": count,
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "links": {
                    "type": "object",
                    "properties": {name: {"type": "string"} for name in ("self", "next", "prev")},
                    "required": ["self"],
                    "additionalProperties": False,
                },
            }
        ),
        "Error": _object(
            {
                "error": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "parameter": {"type": "string", "description": "The parameter at fault, if one is."},
                    },
                    "required": ["status", "message"],
                    "additionalProperties": False,
                }
            }
        ),
        **{
            f"{name}List": _object({"items": {"type": "array", "items": _ref(name)}})
            for name in ("Zone", "Sector", "Agency", "Source", "Agreement", "TradeFigure", "Guide")
        },
        **_response_time_schemas(),
    }


def _response_time_schemas() -> dict[str, Any]:
    handling = {
        "received": _nullable({"type": "integer", "minimum": 0}),
        "fewer_than": _nullable(
            {"type": "integer", "description": "Set, and the figures null, when there were fewer enquiries."}
        ),
        "median_working_days": _nullable({"type": "number", "minimum": 0}),
        "on_time_share": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
    }
    month = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
    return {
        "Handling": _object(handling),
        "ResponseTimes": _object(
            {
                "sample": {"type": "boolean", "description": "True when computed from the sample history."},
                "smallest": {"type": "integer"},
                "agencies": {
                    "type": "array",
                    "items": _object(
                        {
                            "agency": {"type": "string"},
                            "overall": _ref("Handling"),
                            "months": {"type": "array", "items": _object({"month": month, **handling})},
                            "sectors": {
                                "type": "array",
                                "items": _object({"sector": _nullable({"type": "string"}), **handling}),
                            },
                        }
                    ),
                },
            }
        ),
    }


def _parameter(name: str, schema: dict[str, Any], description: str, where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}


def _lang(languages: list[str]) -> dict[str, Any]:
    return _parameter("lang", {"enum": languages}, "Texts in this language only (else every language).")


def _responses(schema: str, missing: bool = False) -> dict[str, Any]:
    error = {"application/json": {"schema": _ref("Error")}}
    out: dict[str, Any] = {
        "200": {
            "description": "Found.",
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": _ref(schema)}},
        },
        "304": {"description": "Not changed since the ETag given in If-None-Match."},
        "400": {
            "description": "A parameter is unknown, repeated or has a value the API does not know.",
            "content": error,
        },
        "429": {
            "description": "Too many requests from this address.",
            "headers": {"Retry-After": {"schema": {"type": "string"}}},
            "content": error,
        },
    }
    if missing:
        out["404"] = {"description": "Nothing published at this address.", "content": error}
    return out


def _operation(operation_id: str, summary: str, schema: str, parameters: list[dict], missing: bool = False) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": _responses(schema, missing),
        }
    }


def _download(kind: str, media: str, lang: dict[str, Any]) -> dict[str, Any]:
    operation = _operation(
        f"download{kind.capitalize()}",
        f"Every published opportunity in one {kind.upper()} file, streamed",
        "Opportunity",
        [lang],
    )
    schema = {"type": "array", "items": _ref("Opportunity")} if kind == "json" else {"type": "string"}
    operation["get"]["responses"]["200"] = {
        "description": "The file. Its ETag changes whenever anything public does.",
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {media: {"schema": schema}},
    }
    return operation


def _csv_download() -> dict[str, Any]:
    operation = _operation(
        "downloadResponseTimes", "The response-time figures, one row per agency and month", "Error", []
    )
    operation["get"]["responses"]["200"] = {
        "description": "The figures as CSV.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
    return operation


def document() -> dict[str, Any]:
    languages = list(current_app.config["LANGUAGES"])
    lang = _lang(languages)

    def slug(example: str | None) -> dict[str, Any]:
        parameter = _parameter(
            "slug", {"type": "string", "pattern": SLUG, "maxLength": 120}, "The item's slug.", "path"
        )
        if example is not None:
            parameter["example"] = example
            parameter["schema"]["examples"] = [example]
        return parameter

    published = db.session.scalar(select(Opportunity.slug).where(Opportunity.state == "published").limit(1))
    zones = content.public_zones()
    whole = {"type": "integer", "minimum": 0, "maximum": search.MAX_USD}
    filters = [
        _parameter(
            "q",
            # NUL characters are refused everywhere (PostgreSQL cannot store them)
            {"type": "string", "maxLength": search.MAX_QUERY_LENGTH, "pattern": "^[^\\u0000]*$"},
            "Words, in any of the languages.",
        ),
        _parameter("sector", {"enum": [s.slug for s in content.public_sectors()]}, "A sector's slug (see /sectors)."),
        _parameter("country", {"enum": [c.lower() for c in COUNTRIES]}, "pk or kg."),
        _parameter("zone", {"enum": [z.slug for z in zones]}, "A zone's slug (see /zones)."),
        _parameter("stage", {"enum": list(STAGES)}, "Stage of the project."),
        _parameter("kind", {"enum": list(OPPORTUNITY_KINDS)}, "Kind of deal."),
        _parameter("region", {"enum": list(REGIONS)}, "Region."),
        _parameter("min_usd", whole, "Investment from, US dollars: listings whose range reaches it."),
        _parameter("max_usd", whole, "Investment up to, US dollars: listings whose range starts below it."),
        _parameter("sort", {"enum": list(search.SORTS)}, "Order; relevance is the default when q has words."),
        _parameter("page", {"type": "integer", "minimum": 1, "maximum": 10**6}, "Page, from 1; past the last, 404."),
        _parameter("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Items a page, 20 by default."),
        lang,
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pakistan–Kyrgyzstan investment portal: open data",
            "version": "1.0.0",
            "description": "The published catalogue of investment opportunities, economic zones, sectors and "
            "the two agencies (Pakistan's Board of Investment and the Kyrgyz National Investments Agency), "
            "read-only. Only published content; amounts are whole US dollars. Anyone may use it; each "
            "address has a rate limit.",
            "license": {"name": "Open data"},
        },
        "servers": [{"url": current_app.config["PORTAL_URL"].rstrip("/") + "/api/v1"}],
        "paths": {
            "/opportunities": _operation(
                "listOpportunities",
                "Search and filter published opportunities",
                "OpportunityPage",
                filters,
                missing=True,
            ),
            "/opportunities/{slug}": _operation(
                "getOpportunity", "One published opportunity", "Opportunity", [slug(published), lang], missing=True
            ),
            "/zones": _operation(
                "listZones",
                "Economic zones",
                "ZoneList",
                [_parameter("status", {"enum": list(ZONE_STATUSES)}, "Only zones in this state."), lang],
            ),
            "/sources": _operation("listSources", "The sources the facts cite, newest first", "SourceList", []),
            "/agreements": _operation(
                "listAgreements", "The corridor's agreements and commitments", "AgreementList", [lang]
            ),
            "/trade-figures": _operation(
                "listTradeFigures", "Trade between the two countries, recorded and aimed at", "TradeFigureList", [lang]
            ),
            "/guides": _operation("listGuides", "The guides to investing, per country", "GuideList", [lang]),
            "/zones/{slug}": _operation(
                "getZone", "One economic zone", "Zone", [slug(zones[0].slug if zones else None), lang], missing=True
            ),
            "/sectors": _operation("listSectors", "Sectors, with their published opportunities", "SectorList", [lang]),
            "/agencies": _operation("listAgencies", "The two investment agencies", "AgencyList", [lang]),
            "/response-times": _operation(
                "getResponseTimes",
                "How fast each agency answers enquiries, month by month and by sector",
                "ResponseTimes",
                [],
            ),
            "/downloads/response-times.csv": _csv_download(),
            **{
                f"/downloads/opportunities.{kind}": _download(kind, media, lang)
                for kind, media in (
                    ("csv", "text/csv"),
                    ("json", "application/json"),
                    ("jsonl", "application/x-ndjson"),
                )
            },
        },
        "components": {"schemas": _schemas(languages)},
    }
