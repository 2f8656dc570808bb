"""Reading catalogue content for display: translations with fallback, Markdown, labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from flask import abort
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.catalogue.models import Agency, Opportunity, Sector, Zone
from portal.extensions import db

#: What a listing's, sector's or zone's slug may look like; anything else cannot exist.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")


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


@dataclass
class Localized:
    """An object's text as shown on a page in ``lang``, with where it came from."""

    text: object
    lang: str
    #: True when the page's language had no text and English is shown instead
    fallback: bool

    def __getattr__(self, name):
        return getattr(self.text, name)


def localized(obj, lang: str) -> Localized | None:
    text = obj.translation(lang)
    if text is None:
        return None
    return Localized(text=text, lang=text.lang, fallback=text.lang != lang)


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return get_locale().territories.get(code.upper(), code.upper())


def all_sectors() -> list[Sector]:
    statement = select(Sector).options(joinedload(Sector.texts)).order_by(Sector.position, Sector.slug)
    return list(db.session.scalars(statement).unique())


def all_zones() -> list[Zone]:
    statement = select(Zone).options(joinedload(Zone.texts)).order_by(Zone.country.desc(), Zone.slug)
    return list(db.session.scalars(statement).unique())


def all_agencies() -> list[Agency]:
    statement = select(Agency).options(joinedload(Agency.texts)).order_by(Agency.code)
    return list(db.session.scalars(statement).unique())


def published_counts(column) -> dict:
    """Number of published opportunities per value of ``column``."""
    statement = (
        select(column, func.count())
        .where(Opportunity.state == "published")
        .group_by(column)
    )
    return dict(db.session.execute(statement).all())
