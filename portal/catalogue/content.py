"""Reading catalogue content for display: slugs, Markdown, country names, the lists every page needs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import nh3
from flask import abort
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.agencies.models import Agency
from portal.catalogue.models import SLUG, TOPICS_OF, ZONE_STATUS_NOTES, Sector, Source, Zone
from portal.core.citations import Backing, backing
from portal.core.collation import by_name
from portal.core.extensions import db
from portal.core.freshness import PerVersion


def valid_slug(slug: str) -> str:
    """``slug`` if it could name something; a 404 straight away if it cannot."""
    if not SLUG.match(slug):
        abort(404)
    return slug


# "js-default" turns raw HTML off; nh3 still cleans what Markdown produces.
_markdown = MarkdownIt("js-default")


def markdown(source: str | None) -> Markup:
    """Markdown written by curators, rendered and sanitised."""
    return Markup(_rendered(source or ""))


@lru_cache(maxsize=512)
def _rendered(source: str) -> str:
    # A zone's page renders four such texts: an eighth of its time, for the same few texts each time.
    return nh3.clean(_markdown.render(source), link_rel="noopener nofollow")


def country_name(code: str | None) -> str:
    if not code:
        return ""
    locale = get_locale()
    return locale.territories.get(code.upper(), code.upper()) if locale else code.upper()


def all_sectors() -> list[Sector]:
    statement = select(Sector).options(joinedload(Sector.texts)).order_by(Sector.position, Sector.slug)
    return list(db.session.scalars(statement).unique())


def all_zones() -> list[Zone]:
    statement = select(Zone).options(joinedload(Zone.texts)).order_by(Zone.country.desc(), Zone.slug)
    return list(db.session.scalars(statement).unique())


def sectors_in_order(sectors: Iterable[Sector], lang: str) -> list[Sector]:
    """Sectors as lists show them to people: by their position, then by name in ``lang``'s alphabetical order."""
    return by_name(sectors, lang, first=lambda sector: sector.position)


def zones_in_order(zones: Iterable[Zone], lang: str) -> list[Zone]:
    """Zones as lists show them to people: Pakistan's, then Kyrgyzstan's, each by name in ``lang``'s order."""
    return sorted(by_name(zones, lang), key=lambda zone: zone.country, reverse=True)


def _zones_and_agencies() -> list[Zone]:
    statement = (
        select(Zone)
        .options(joinedload(Zone.texts), joinedload(Zone.agency).joinedload(Agency.texts))
        .order_by(Zone.country.desc(), Zone.slug)
    )
    return list(db.session.scalars(statement).unique())


def detached(load: Any) -> Any:
    """``load``, whose rows (and their agencies) are taken out of the session, to be kept between requests."""

    def loaded() -> list[Any]:
        rows = load()
        agencies = {row.agency for row in rows if getattr(row, "agency", None) is not None}
        for row in [*rows, *agencies]:
            db.session.expunge(row)  # and its texts (cascade): no later commit may expire them
        return rows

    return loaded


_sectors = PerVersion(detached(all_sectors))
_zones = PerVersion(detached(_zones_and_agencies))


def public_sectors() -> list[Sector]:
    """Every sector with its texts, for public pages: read again only when public content changes."""
    return list(_sectors.get())


def public_zones() -> list[Zone]:
    """Every zone with its texts and agency, for public pages: read again only when public content changes."""
    return list(_zones.get())


def _all_sources() -> dict[int, Source]:
    rows = list(db.session.scalars(select(Source)))
    for row in rows:
        db.session.expunge(row)
    return {row.id: row for row in rows}


_sources = PerVersion(_all_sources)


def public_sources() -> dict[int, Source]:
    """Every source by id, for public pages: read again only when public content changes."""
    return _sources.get()


def sourced(item: Any, kind: str, *topics: str) -> list[Backing]:
    """The sources and "as of" dates of ``item``'s facts (an item of ``kind``), for ``topics`` or all its topics."""
    return backing(item.citations, public_sources(), topics or TOPICS_OF[kind])


def status_note(zone: Zone, name: str) -> str | None:
    """What investors should know about ``zone`` (called ``name`` on the page) when it is not operational."""
    note = ZONE_STATUS_NOTES.get(zone.status)
    return str(note) % {"zone": name} if note is not None else None


def source_choices() -> list[tuple[str, str]]:
    """Every source as a choice of the editor's citation rows: newest first."""
    statement = select(Source).order_by(Source.published_on.desc(), Source.title)
    return [
        (str(source.id), f"{source.title} — {source.publisher}, {source.published_on or '?'}")
        for source in db.session.scalars(statement)
    ]
