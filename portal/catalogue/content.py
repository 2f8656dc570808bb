"""Reading catalogue content for display: slugs, Markdown, country names, the lists every page needs."""

from __future__ import annotations

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
from portal.catalogue.models import SLUG, Sector, Zone
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


def _zones_and_agencies() -> list[Zone]:
    statement = (
        select(Zone)
        .options(joinedload(Zone.texts), joinedload(Zone.agency).joinedload(Agency.texts))
        .order_by(Zone.country.desc(), Zone.slug)
    )
    return list(db.session.scalars(statement).unique())


def _detached(load: Any) -> Any:
    def loaded() -> list[Any]:
        rows = load()
        agencies = {row.agency for row in rows if getattr(row, "agency", None) is not None}
        for row in [*rows, *agencies]:
            db.session.expunge(row)  # and its texts (cascade): no later commit may expire them
        return rows

    return loaded


_sectors = PerVersion(_detached(all_sectors))
_zones = PerVersion(_detached(_zones_and_agencies))


def public_sectors() -> list[Sector]:
    """Every sector with its texts, for public pages: read again only when public content changes."""
    return list(_sectors.get())


def public_zones() -> list[Zone]:
    """Every zone with its texts and agency, for public pages: read again only when public content changes."""
    return list(_zones.get())
