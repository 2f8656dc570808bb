"""What search engines read: ``/robots.txt`` and ``/sitemap.xml``, every public page in every language.

Each page is one ``<url>`` per language, each naming its versions in the other
languages (``hreflang``); links are built from ``PORTAL_URL``. Past ``SITEMAP_URLS``
addresses (50,000, the protocol's limit) ``/sitemap.xml`` becomes an index of
``/sitemaps/<n>.xml`` files, each within the limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, abort, current_app, stream_with_context
from markupsafe import escape
from sqlalchemy import func, select

from portal.catalogue import content
from portal.catalogue.models import GUIDE_PAGES, Opportunity
from portal.core.extensions import db, limiter
from portal.core.i18n import portal_url
from portal.core.pagecache import cached_page
from portal.opendata.records import moment

bp = Blueprint("sitemap", __name__)

MAX_URLS = 50_000
#: pages without an item, by endpoint
PAGES = (
    "catalogue.home",
    "catalogue.opportunities",
    "catalogue.zones",
    "catalogue.about",
    "catalogue.accessibility",
    "enquiries.enquire",
    "enquiries.response_times_page",
    "corridor.corridor",
    "opendata.open_data",
)
URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


@bp.get("/robots.txt")
@limiter.exempt
@cached_page
def robots() -> Response:
    """Every public page may be read; the staff area and the API's search may not; where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin",
        "Disallow: /api/v1/opportunities",
        "Allow: /",
        f"Sitemap: {portal_url('sitemap.sitemap')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def _pages() -> list[tuple[str, dict[str, Any], Any]]:
    """(endpoint, values, last changed) of every public page but the opportunities."""
    out: list[tuple[str, dict[str, Any], Any]] = [(endpoint, {}, None) for endpoint in PAGES]
    out += [("catalogue.sector", {"slug": s.slug}, None) for s in content.public_sectors()]
    out += [("catalogue.zone", {"slug": z.slug}, z.updated_at) for z in content.public_zones()]
    out += [("corridor.guide", {"country": page}, None) for page in GUIDE_PAGES]
    return out


def _per_file() -> int:
    """Pages a file holds: each is one address per language."""
    return max(1, current_app.config.get("SITEMAP_URLS", MAX_URLS) // len(current_app.config["LANGUAGES"]))


def _total() -> int:
    """Pages in all: the fixed ones, sectors, zones, and the published opportunities."""
    published = db.session.scalar(select(func.count()).where(Opportunity.state == "published")) or 0
    return len(_pages()) + published


def _entries(start: int, stop: int) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Pages ``start`` to ``stop`` of all of them: the fixed pages first, then the opportunities by id."""
    pages = _pages()
    yield from pages[start:stop]
    first, last = max(0, start - len(pages)), stop - len(pages)
    if last > first:
        rows = db.session.execute(
            select(Opportunity.slug, Opportunity.updated_at)
            .where(Opportunity.state == "published")
            .order_by(Opportunity.id)
            .offset(first)
            .limit(last - first)
        )
        for slug, updated in rows:
            yield "catalogue.opportunity", {"slug": slug}, updated


def _urls(entries: Iterator[tuple[str, dict[str, Any], Any]]) -> Iterator[str]:
    languages = current_app.config["LANGUAGES"]
    yield URLSET
    for endpoint, values, changed in entries:
        links = {lang: escape(portal_url(endpoint, lang=lang, **values)) for lang in languages}
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href="{href}"/>' for lang, href in links.items()
        )
        lastmod = f"<lastmod>{moment(changed)}</lastmod>" if changed else ""
        for href in links.values():
            yield f"<url><loc>{href}</loc>{lastmod}{alternates}</url>\n"
    yield "</urlset>\n"


def _xml(chunks: Iterator[str]) -> Response:
    return Response(stream_with_context(chunks), content_type="application/xml; charset=utf-8")


@bp.get("/sitemap.xml")
@limiter.exempt
def sitemap() -> Response:
    """Every public page in every language; an index of smaller files when there are too many."""
    total = _total()
    per_file = _per_file()
    if total <= per_file:
        return _xml(_urls(_entries(0, total)))
    files = math.ceil(total / per_file)
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    index += [
        f"<sitemap><loc>{escape(portal_url('sitemap.part', number=n))}</loc></sitemap>\n" for n in range(1, files + 1)
    ]
    index.append("</sitemapindex>\n")
    return Response("".join(index), content_type="application/xml; charset=utf-8")


@bp.get("/sitemaps/<int:number>.xml")
@limiter.exempt
def part(number: int) -> Response:
    """One file of the sitemap index."""
    per_file = _per_file()
    total = _total()
    if number < 1 or (number - 1) * per_file >= total:
        abort(404)
    return _xml(_urls(_entries((number - 1) * per_file, number * per_file)))
