"""Public catalogue pages: home, opportunities, sectors, zones, about."""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, current_app, g, render_template, request
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, undefer

from portal.agencies.models import Agency, all_agencies
from portal.catalogue import content, corridor, linked, maps, search, workflow
from portal.catalogue.models import (
    FACT_TOPICS,
    OPPORTUNITY_KINDS,
    REGIONS,
    STAGES,
    STATES,
    ZONE_KINDS,
    ZONE_STATUSES,
    Attachment,
    Opportunity,
)
from portal.core.extensions import db
from portal.core.i18n import language_blueprint
from portal.core.pagecache import cached_page
from portal.core.translated import localized

bp = language_blueprint("catalogue", __name__, template_folder="templates")


@bp.get("/")
@cached_page
def home() -> ResponseReturnValue:
    """The front page: featured opportunities, sectors, zones and the corridor in figures."""
    statement = search.with_texts(
        select(Opportunity)
        .where(Opportunity.state == "published", Opportunity.featured.is_(True))
        .order_by(Opportunity.published_at.desc())
        .limit(6),
        g.lang,
    )
    featured = list(db.session.scalars(statement).unique())
    sectors, zones = content.public_sectors(), content.public_zones()
    counts = search.published_counts("sector")
    return render_template(
        "catalogue/home.html",
        featured=featured,
        sectors=content.sectors_in_order(sectors, g.lang),
        sectors_by_id={s.id: s for s in sectors},
        sector_counts=counts,
        zones=content.zones_in_order(zones, g.lang),
        corridor=corridor.trade_figures(),
    )


@bp.get("/opportunities")
@cached_page
def opportunities() -> ResponseReturnValue:
    """Search and filter published opportunities, with facet counts."""
    sectors, zones = content.public_sectors(), content.public_zones()
    filters = search.parse_filters(request.args, {s.slug: s for s in sectors}, {z.slug: z for z in zones})
    facets = search.facet_counts(filters)
    page = search.find(filters, g.lang, current_app.config["PAGE_SIZE"])
    return render_template(
        "catalogue/opportunities.html",
        zone_map=maps.results_map(page.items, zones, g.lang, filters),
        filters=filters,
        page=page,
        facets=facets,
        sectors=content.sectors_in_order(sectors, g.lang),
        sectors_by_id={s.id: s for s in sectors},
        zones=content.zones_in_order(zones, g.lang),
        highlighted=filters.understood.terms,
        suggestion=search.suggestion(filters) if not page.total else None,
        relax=search.relax(filters, facets) if not page.total else [],
    )


@bp.get("/opportunities/<slug>")
@cached_page
def opportunity(slug: str) -> ResponseReturnValue:
    """One opportunity: its text, key facts and the way to enquire about it."""
    statement = (
        select(Opportunity)
        .where(Opportunity.slug == content.valid_slug(slug))
        .options(
            selectinload(Opportunity.texts),
            selectinload(Opportunity.attachments),
            joinedload(Opportunity.agency).selectinload(Agency.texts),
        )
    )
    item = db.session.scalar(statement)
    # Staff who curate a listing may preview it in any state; everyone else sees published ones only.
    if item is None or (item.state != "published" and not workflow.may_curate(current_user, item)):
        abort(404)
    sector = next(s for s in content.public_sectors() if s.id == item.sector_id)
    zone = next((z for z in content.public_zones() if z.id == item.zone_id), None)
    response = current_app.make_response(
        render_template(
            "catalogue/opportunity.html", item=item, sector=sector, zone=zone, preview=item.state != "published"
        )
    )
    if item.state != "published":
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/opportunities/<slug>/files/<int:attachment_id>/<name>")
def attachment(slug: str, attachment_id: int, name: str) -> ResponseReturnValue:
    """A brochure or picture of an opportunity, served so that browsers cannot mistake it for a page."""
    item = db.session.execute(
        select(Attachment, Opportunity)
        .join(Opportunity)
        .where(Attachment.id == attachment_id, Opportunity.slug == content.valid_slug(slug))
        .options(undefer(Attachment.data))
    ).first()
    if item is None:
        abort(404)
    file, opportunity = item
    public = opportunity.state == "published" and file.approved
    if not public and not workflow.may_curate(current_user, opportunity):
        abort(404)
    response = current_app.response_class(file.data, mimetype=file.content_type)
    disposition = "inline" if file.is_image else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(file.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@bp.get("/sectors/<slug>")
@cached_page
def sector(slug: str) -> ResponseReturnValue:
    """One sector and its published opportunities."""
    slug = content.valid_slug(slug)
    current = next((s for s in content.public_sectors() if s.slug == slug), None)
    if current is None:
        abort(404)
    asked = search.parse_filters(request.args, {}, {})
    filters = search.Filters(sector=current.slug, sector_id=current.id, sort=asked.sort, page=asked.page)
    page = search.find(filters, g.lang, current_app.config["PAGE_SIZE"])
    return render_template("catalogue/sector.html", sector=current, page=page, filters=filters)


@bp.get("/zones")
@cached_page
def zones() -> ResponseReturnValue:
    """All economic zones, technology parks and logistics centres, by country; ``?status=`` for those in one state."""
    every = content.public_zones()
    status = request.args.get("status")
    status = status if status in ZONE_STATUSES else None
    shown, counts = [zone for zone in every if status in (None, zone.status)], search.published_counts("zone")
    return render_template(
        "catalogue/zones.html",
        zones=content.zones_in_order(shown, g.lang),
        status=status,
        status_counts={code: sum(zone.status == code for zone in every) for code in ZONE_STATUSES},
        zone_counts=counts,
        zone_map=maps.zones_map(shown, g.lang, counts=counts),
    )


@bp.get("/zones/<slug>")
@cached_page
def zone(slug: str) -> ResponseReturnValue:
    """One zone: what it offers and its published opportunities."""
    slug = content.valid_slug(slug)
    zones = content.public_zones()
    current = next((zone for zone in zones if zone.slug == slug), None)
    if current is None:
        abort(404)
    asked = search.parse_filters(request.args, {}, {})
    filters = search.Filters(zone=current.slug, zone_id=current.id, sort=asked.sort, page=asked.page)
    return render_template(
        "catalogue/zone.html",
        zone=current,
        page=search.find(filters, g.lang, current_app.config["PAGE_SIZE"]),
        filters=filters,
        sectors_by_id={s.id: s for s in content.public_sectors()},
        zone_map=maps.zones_map(zones, g.lang, current=current),
    )


@bp.get("/about")
@cached_page
def about() -> ResponseReturnValue:
    """The two agencies and how enquiries are handled."""
    return render_template("catalogue/about.html", agencies=all_agencies())


@bp.get("/accessibility")
@cached_page
def accessibility() -> ResponseReturnValue:
    """The accessibility statement, and whom to tell about a problem."""
    return render_template("catalogue/accessibility.html", agencies=all_agencies())


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    # Globals rather than a context processor, so imported macros see them too.
    state.app.jinja_env.globals.update(
        localized=localized,
        linked_data=linked,
        markdown=content.markdown,
        country_name=content.country_name,
        regions=REGIONS,
        zone_kinds=ZONE_KINDS,
        opportunity_kinds=OPPORTUNITY_KINDS,
        highlight=search.highlight,
        stages=STAGES,
        states=STATES,
        sorts=search.SORTS,
        filter_names=search.FILTER_NAMES,
        zone_statuses=ZONE_STATUSES,
        fact_topics=FACT_TOPICS,
        sourced=content.sourced,
        status_note=content.status_note,
    )
