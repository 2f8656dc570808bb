"""The read-only API, ``/api/v1/``: the published catalogue as JSON, described by ``/api/v1/openapi.json``.

Parameters are checked strictly: a value the API does not know is a 400 that names the
parameter (the HTML list quietly drops such values; a program should be told). Every
answer is JSON, errors included; successful ones carry an ETag (304 for a client that
has it), and anonymous ones are kept by the page cache like public pages. Anyone may
read it from a browser on another site (CORS, GET only); each address has its own
rate limit (``API_RATE_LIMIT``), with ``Retry-After`` when it is reached.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, HTTPException

from portal.agencies.models import COUNTRIES, all_agencies
from portal.catalogue import content, corridor, search
from portal.catalogue.models import OPPORTUNITY_KINDS, REGIONS, STAGES, ZONE_STATUSES, Guide, Opportunity
from portal.core.extensions import db, limiter
from portal.core.pagecache import cached_page
from portal.core.site import json_errors_under
from portal.core.time import utcnow
from portal.enquiries import response_times as response_times_figures
from portal.opendata import downloads, records, spec

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10**6


class BadParameter(BadRequest):
    code = 400

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def error_body(status: int, message: str, parameter: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "message": message}
    if parameter is not None:
        error["parameter"] = parameter
    return {"error": error}


def json_error(error: HTTPException) -> Response:
    """Every error under /api/v1/, whether a view was reached or not (core.site.json_errors_under)."""
    status = error.code or 500
    messages = {
        400: _("The request could not be understood"),
        404: _("Nothing is published at this address"),
        405: _("This address only answers GET requests"),
        429: _("Too many requests: wait before asking again"),
    }
    if isinstance(error, BadParameter):
        body = error_body(status, str(error.description), error.parameter)
    else:
        body = error_body(status, messages.get(status, error.name))
    response = jsonify(body)
    response.status_code = status
    if error.response is not None and "Retry-After" in error.response.headers:
        response.headers["Retry-After"] = error.response.headers["Retry-After"]
    return response


json_errors_under(PREFIX + "/", json_error)


@bp.before_request
def choose_language() -> None:
    """Messages in the language asked for (``lang``), else English; texts as ``lang`` says."""
    lang = request.args.get("lang")
    g.lang = lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.after_request
def open_to_every_site(response: Response) -> Response:
    """CORS for reading; an ETag for answers the page cache does not handle."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After, Link"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    if (
        response.status_code == 200
        and "page_cache_key" not in g
        and request.method in ("GET", "HEAD")
        and not response.is_streamed
    ):
        response.add_etag()
        response.headers.setdefault("Cache-Control", "no-cache")
        response.make_conditional(request)
    return response


# -- parameters ----------------------------------------------------------------------------------------


def _arguments(allowed: tuple[str, ...]) -> dict[str, str]:
    """The query's parameters, each at most once and all of them known."""
    out = {}
    for name in request.args:
        if name not in allowed:
            raise BadParameter(name, _("Unknown parameter: %(name)s", name=name))
        values = request.args.getlist(name)
        if len(values) > 1:
            raise BadParameter(name, _("Give %(name)s once only", name=name))
        out[name] = values[0]
    return out


def _one_of(args: dict[str, str], name: str, codes: Any, fold: bool = False) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    if (value.upper() if fold else value) not in codes:
        raise BadParameter(name, _("%(name)s has no value %(value)s", name=name, value=value[:60]))
    return value


def _whole(args: dict[str, str], name: str, lowest: int, highest: int) -> int | None:
    value = args.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 13 or not lowest <= int(value) <= highest:
        raise BadParameter(
            name, _("%(name)s must be a whole number from %(low)s to %(high)s", name=name, low=lowest, high=highest)
        )
    return int(value)


def _lang(args: dict[str, str]) -> str | None:
    return _one_of(args, "lang", current_app.config["LANGUAGES"])


LIST_PARAMETERS = (
    "q",
    "sector",
    "country",
    "zone",
    "stage",
    "kind",
    "region",
    "min_usd",
    "max_usd",
    "sort",
    "page",
    "per_page",
    "lang",
)


def _list_filters(args: dict[str, str]) -> tuple[search.Filters, int]:
    sectors = {s.slug: s for s in content.public_sectors()}
    zones = {z.slug: z for z in content.public_zones()}
    if len(args.get("q", "")) > search.MAX_QUERY_LENGTH:
        raise BadParameter("q", _("q is longer than %(n)s characters", n=search.MAX_QUERY_LENGTH))
    _one_of(args, "sector", sectors)
    _one_of(args, "zone", zones)
    _one_of(args, "country", COUNTRIES, fold=True)
    _one_of(args, "stage", STAGES)
    _one_of(args, "kind", OPPORTUNITY_KINDS)
    _one_of(args, "region", REGIONS)
    _one_of(args, "sort", search.SORTS)
    _whole(args, "min_usd", 0, search.MAX_USD)
    _whole(args, "max_usd", 0, search.MAX_USD)
    _whole(args, "page", 1, MAX_PAGE)
    per_page = _whole(args, "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    return search.parse_filters(MultiDict(args), sectors, zones), per_page


# -- operations ----------------------------------------------------------------------------------------


def _link(endpoint: str, args: dict[str, Any]) -> str:
    query = urlencode({k: v for k, v in args.items() if v is not None})
    return url_for(endpoint) + (f"?{query}" if query else "")


@bp.get("/opportunities")
@cached_page
def opportunities() -> Response:
    args = _arguments(LIST_PARAMETERS)
    lang = _lang(args)
    filters, per_page = _list_filters(args)
    page = search.find(filters, lang, per_page)
    recorded = records.Opportunities(lang)
    items = [recorded.record(item) for item in page.items]
    links = {"self": _link("api.opportunities", args)}
    if page.page < page.pages:
        links["next"] = _link("api.opportunities", {**args, "page": page.page + 1})
    if page.page > 1:
        links["prev"] = _link("api.opportunities", {**args, "page": page.page - 1})
    return jsonify(items=items, total=page.total, page=page.page, per_page=per_page, pages=page.pages, links=links)


@bp.get("/opportunities/<slug>")
@cached_page
def opportunity(slug: str) -> Response:
    lang = _lang(_arguments(("lang",)))
    statement = search.with_texts(db.select(Opportunity).where(Opportunity.slug == slug[:200]), lang)
    item = db.session.scalars(statement).unique().one_or_none()
    if item is None or item.state != "published":
        abort(404)
    return jsonify(records.Opportunities(lang).record(item))


@bp.get("/zones")
@cached_page
def zones() -> Response:
    args = _arguments(("lang", "status"))
    lang, status = _lang(args), _one_of(args, "status", ZONE_STATUSES)
    counts = search.published_counts("zone")
    chosen = [z for z in content.public_zones() if status in (None, z.status)]
    return jsonify(items=[records.zone(z, counts.get(z.id, 0), lang) for z in chosen])


@bp.get("/zones/<slug>")
@cached_page
def zone(slug: str) -> Response:
    lang = _lang(_arguments(("lang",)))
    found = next((z for z in content.public_zones() if z.slug == slug), None)
    if found is None:
        abort(404)
    return jsonify(records.zone(found, search.published_counts("zone").get(found.id, 0), lang))


@bp.get("/sectors")
@cached_page
def sectors() -> Response:
    lang = _lang(_arguments(("lang",)))
    counts = search.published_counts("sector")
    return jsonify(items=[records.sector(s, counts.get(s.id, 0), lang) for s in content.public_sectors()])


@bp.get("/agencies")
@cached_page
def agencies() -> Response:
    lang = _lang(_arguments(("lang",)))
    return jsonify(items=[records.agency(a, lang) for a in all_agencies()])


@bp.get("/sources")
@cached_page
def sources() -> Response:
    _arguments(())
    rows = sorted(
        (content.public_sources()[i] for i in corridor.cited_sources() if i in content.public_sources()),
        key=lambda item: (item.published_on or item.consulted_on or date.min, item.key),
        reverse=True,
    )
    return jsonify(items=[records.source(item) for item in rows])


@bp.get("/agreements")
@cached_page
def agreements() -> Response:
    lang = _lang(_arguments(("lang",)))
    items = corridor.agreements()
    sectors = {s.id: s for s in content.public_sectors()}
    listings = corridor.related_listings(items, lang or "en")
    return jsonify(items=[records.agreement(item, sectors, listings, lang) for item in items])


@bp.get("/trade-figures")
@cached_page
def trade_figures() -> Response:
    lang = _lang(_arguments(("lang",)))
    return jsonify(items=[records.trade_figure(item, lang) for item in corridor.trade_figures()])


@bp.get("/guides")
@cached_page
def guides() -> Response:
    lang = _lang(_arguments(("lang",)))
    rows = db.session.scalars(select(Guide).options(selectinload(Guide.texts)).order_by(Guide.country.desc()))
    return jsonify(items=[records.guide(item, lang) for item in rows])


@bp.get("/downloads/opportunities.<any(csv, json, jsonl):kind>")
def download(kind: str) -> Response:
    """Every published opportunity in one file, streamed."""
    return downloads.download(kind, _lang(_arguments(("lang",))))


def _handling(handling: response_times_figures.Handling) -> dict[str, Any]:
    if not handling.shown:
        return {
            "received": None,
            "fewer_than": response_times_figures.SMALLEST,
            "median_working_days": None,
            "on_time_share": None,
        }
    return {
        "received": handling.received,
        "fewer_than": None,
        "median_working_days": handling.median_days,
        "on_time_share": handling.on_time_share,
    }


@bp.get("/response-times")
def response_times() -> Response:
    """Each agency's handling of enquiries, month by month and by sector: the figures of the public page."""
    _arguments(())
    figures = response_times_figures.published(utcnow())
    return jsonify(
        sample=figures.sample,
        smallest=response_times_figures.SMALLEST,
        agencies=[
            {
                "agency": shown.agency,
                "overall": _handling(shown.overall),
                "months": [{"month": month, **_handling(shown.months[month])} for month in figures.months],
                "sectors": [
                    {"sector": sector, **_handling(handling)}
                    for sector, handling in sorted(shown.sectors.items(), key=lambda item: item[0] or "")
                ],
            }
            for shown in figures.agencies
        ],
    )


@bp.get("/downloads/response-times.csv")
def response_times_csv() -> Response:
    """The response-time figures month by month, one row per agency and month."""
    _arguments(())
    figures = response_times_figures.published(utcnow())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agency", "month", "received", "fewer_than", "median_working_days", "on_time_share", "sample"])
    for shown in figures.agencies:
        for month in figures.months:
            row = _handling(shown.months[month])
            writer.writerow([shown.agency, month, *(row[k] if row[k] is not None else "" for k in row), figures.sample])
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="response-times.csv"'
    return response


@bp.get("/openapi.json")
@cached_page
def openapi() -> Response:
    _arguments(())
    return jsonify(spec.document())
