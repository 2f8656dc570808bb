"""Up to four zones or four opportunities side by side: ``/<lang>/compare?zones=a,b`` or ``?opportunities=a,b``.

The comparison lives in the address alone (no account, no cookie), so it can be shared and bookmarked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, g, get_template_attribute, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from portal.catalogue import content, search
from portal.catalogue.models import (
    OPPORTUNITY_KINDS,
    REGIONS,
    SLUG,
    STAGES,
    ZONE_KINDS,
    ZONE_STATUSES,
    Opportunity,
)
from portal.core.extensions import db
from portal.core.i18n import format_day, format_number, format_usd_range, language_blueprint
from portal.core.pagecache import cached_page
from portal.core.translated import localized

bp = language_blueprint("compare", __name__, template_folder="templates")

#: how many items a comparison holds
MOST = 4


@dataclass(frozen=True)
class Row:
    """One fact of every item compared, as shown in a cell each."""

    label: str
    cells: list[Markup]

    @property
    def differs(self) -> bool:
        return len({cell.striptags().strip() for cell in self.cells}) > 1


def _asked(name: str) -> list[str]:
    """The slugs of ``name`` in the address, given as a comma-separated list or repeated; in order, once each."""
    slugs = [part.strip() for value in request.args.getlist(name) for part in value.split(",") if part.strip()]
    return list(dict.fromkeys(slugs))


def _texts(lang: str, markdown: bool = False) -> Callable[[Any, str], Markup]:
    """A reader of an item's text field in ``lang``: escaped (marked English when it falls back), or its Markdown."""

    def field(item: Any, name: str) -> Markup:
        text = localized(item, lang)
        value = getattr(text, name, "") if text is not None else ""
        if markdown:
            return content.markdown(value) if value else Markup("—")
        return escape(value) if not (text and text.fallback) else Markup('<span lang="en">%s</span>') % value

    return field


def _sources(item: Any, kind: str) -> Markup:
    backing = get_template_attribute("macros.html", "backing")
    return Markup(backing(content.sourced(item, kind))) or Markup("—")


def _cells(items: list[Any], shown: Callable[[Any], Any]) -> list[Markup]:
    """One cell per item: ``shown(item)``, escaped unless it is markup already."""
    return [value if isinstance(value, Markup) else escape(value) for value in map(shown, items)]


def zone_rows(zones: list[Any], lang: str) -> list[Row]:
    text, md = _texts(lang), _texts(lang, markdown=True)
    counts = search.published_counts("zone")

    def each(shown: Callable[[Any], Any]) -> list[Markup]:
        return _cells(zones, shown)

    return [
        Row(_("Status"), each(lambda z: ZONE_STATUSES.label(z.status))),
        Row(_("Kind"), each(lambda z: ZONE_KINDS.label(z.kind))),
        Row(_("Country"), each(lambda z: content.country_name(z.country))),
        Row(_("Region"), each(lambda z: REGIONS.label(z.region))),
        Row(_("Area"), each(lambda z: _("%(area)s hectares", area=format_number(z.area_ha)) if z.area_ha else "—")),
        Row(_("Established"), each(lambda z: str(z.established) if z.established else "—")),
        Row(_("Operator"), each(lambda z: text(z, "operator") or "—")),
        Row(_("Incentives"), each(lambda z: md(z, "incentives"))),
        Row(_("Tax regime"), each(lambda z: md(z, "tax_regime"))),
        Row(_("Land and lease terms"), each(lambda z: md(z, "land"))),
        Row(_("Utilities and tariffs"), each(lambda z: md(z, "utilities"))),
        Row(_("Published opportunities"), each(lambda z: format_number(counts.get(z.id, 0)))),
        Row(_("Sources of the facts"), each(lambda z: _sources(z, "zone"))),
    ]


def opportunity_rows(items: list[Opportunity], lang: str) -> list[Row]:
    text = _texts(lang)
    sectors = {s.id: s for s in content.public_sectors()}
    zones = {z.id: z for z in content.public_zones()}

    def zone(item: Opportunity) -> str:
        found = zones.get(item.zone_id) if item.zone_id else None
        if found is None:
            return "—"
        name = localized(found, lang)
        return f"{name.name if name else found.slug} ({ZONE_STATUSES.label(found.status)})"

    def each(shown: Callable[[Opportunity], Any]) -> list[Markup]:
        return _cells(items, shown)

    return [
        Row(_("Country"), each(lambda o: content.country_name(o.country))),
        Row(_("Sector"), each(lambda o: text(sectors[o.sector_id], "name"))),
        Row(_("Region"), each(lambda o: REGIONS.label(o.region))),
        Row(_("Economic zone"), each(zone)),
        Row(_("Investment"), each(lambda o: format_usd_range(o.min_usd, o.max_usd))),
        Row(_("Kind"), each(lambda o: OPPORTUNITY_KINDS.label(o.kind))),
        Row(_("Stage"), each(lambda o: STAGES.label(o.stage))),
        Row(_("Responsible agency"), each(lambda o: text(o.agency, "name"))),
        Row(_("Summary"), each(lambda o: text(o, "summary"))),
        Row(_("Last updated"), each(lambda o: format_day(o.updated_at))),
        Row(_("Sources of the facts"), each(lambda o: _sources(o, "opportunity"))),
    ]


def _found(slugs: list[str], rows: list[Any]) -> list[Any]:
    """``rows`` in the order asked for; a 404 if any slug names nothing public."""
    by_slug = {row.slug: row for row in rows}
    if any(slug not in by_slug for slug in slugs):
        abort(404)
    return [by_slug[slug] for slug in slugs]


@bp.get("/compare")
@cached_page
def compare() -> ResponseReturnValue:
    """Up to four zones or opportunities side by side, their differences marked."""
    zones, opportunities = _asked("zones"), _asked("opportunities")
    problem = None
    if zones and opportunities:
        problem = _("Compare zones or opportunities, not both at once.")
    elif len(zones) > MOST or len(opportunities) > MOST:
        problem = _("At most four can be compared side by side. Remove some and try again.")
    elif not all(SLUG.match(slug) for slug in zones + opportunities):
        abort(404)
    if problem:
        return render_template("catalogue/compare.html", problem=problem, kind=None, items=[], rows=[]), 400
    lang = g.lang
    if zones:
        items = _found(zones, content.public_zones())
        kind, rows = "zones", zone_rows(items, lang)
    elif opportunities:
        statement = search.with_texts(
            select(Opportunity).where(Opportunity.slug.in_(opportunities), Opportunity.state == "published"), lang
        )
        items = _found(opportunities, list(db.session.scalars(statement).unique()))
        kind, rows = "opportunities", opportunity_rows(items, lang)
    else:
        kind, items, rows = None, [], []
    slugs = [item.slug for item in items]
    return render_template(
        "catalogue/compare.html",
        problem=None,
        kind=kind,
        items=items,
        rows=rows,
        without={slug: ",".join(s for s in slugs if s != slug) for slug in slugs},
    )
