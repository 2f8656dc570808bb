"""Reading catalogue content for display: slugs, Markdown, country names, the lists every page needs."""

from __future__ import annotations

from typing import Any

import nh3
from flask import abort
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

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
    return Markup(nh3.clean(_markdown.render(source or ""), link_rel="noopener nofollow"))


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


def _detached(load: Any) -> Any:
    def loaded() -> list[Any]:
        rows = load()
        for row in rows:
            db.session.expunge(row)  # and its texts (cascade): no later commit may expire them
        return rows

    return loaded


_sectors = PerVersion(_detached(all_sectors))
_zones = PerVersion(_detached(all_zones))


def public_sectors() -> list[Sector]:
    """Every sector with its texts, for public pages: read again only when public content changes."""
    return list(_sectors.get())


def public_zones() -> list[Zone]:
    """Every zone with its texts, for public pages: read again only when public content changes."""
    return list(_zones.get())
