"""Atom feeds: new and updated opportunities per language and sector (`/<lang>/feed.atom`), and the
corridor's agreements tracker (`/<lang>/corridor/feed.atom`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.agencies.models import all_agencies
from portal.catalogue import content, corridor, search
from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.core.i18n import language_blueprint, portal_url
from portal.core.pagecache import cached_page
from portal.core.time import utcnow
from portal.opendata.records import moment

bp = language_blueprint("feeds", __name__, template_folder="templates")

#: entries a feed holds: the most recently changed listings
ENTRIES = 50


@bp.get("/feed.atom")
@cached_page
def feed() -> ResponseReturnValue:
    """The opportunities published or changed most recently, newest first; ``?sector=`` for one sector."""
    slug = request.args.get("sector")
    sectors = content.public_sectors()
    sector = None
    statement = select(Opportunity).where(Opportunity.state == "published")
    if slug is not None:
        sector = next((s for s in sectors if s.slug == slug), None)
        if sector is None:
            abort(404)
        statement = statement.where(Opportunity.sector_id == sector.id)
    statement = search.with_texts(statement.order_by(Opportunity.updated_at.desc()).limit(ENTRIES), g.lang)
    items = list(db.session.scalars(statement).unique())
    host = urlsplit(current_app.config["PORTAL_URL"]).hostname or "localhost"
    query = {"sector": sector.slug} if sector else {}
    body = render_template(
        "opendata/feed.xml",
        items=items,
        sector=sector,
        sectors={s.id: s for s in sectors},
        agencies={a.id: a for a in all_agencies()},
        tag=f"tag:{host},2026:",
        self_url=portal_url("feeds.feed", lang=g.lang, **query),
        page_url=portal_url("catalogue.sector", lang=g.lang, slug=sector.slug)
        if sector
        else portal_url("catalogue.opportunities", lang=g.lang),
        updated=moment(max((item.updated_at for item in items), default=None) or utcnow()),
        moment=moment,
    )
    return current_app.response_class(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/corridor/feed.atom")
@cached_page
def corridor_feed() -> ResponseReturnValue:
    """The corridor's agreements tracker, most recently changed first: what was signed, and where each stands."""
    items = sorted(corridor.agreements(), key=lambda item: item.updated_at, reverse=True)[:ENTRIES]
    host = urlsplit(current_app.config["PORTAL_URL"]).hostname or "localhost"
    body = render_template(
        "opendata/corridor_feed.xml",
        items=items,
        tag=f"tag:{host},2026:",
        self_url=portal_url("feeds.corridor_feed", lang=g.lang),
        page_url=portal_url("corridor.corridor", lang=g.lang),
        updated=moment(max((item.updated_at for item in items), default=None) or utcnow()),
        moment=moment,
    )
    return current_app.response_class(body, content_type="application/atom+xml; charset=utf-8")
