"""The Pakistan–Kyrgyzstan corridor page (trade figures and the tracker of agreements) and the guides to investing."""

from __future__ import annotations

from typing import Any

from flask import abort, g, render_template
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.agencies.models import Agency, all_agencies
from portal.catalogue import content, search
from portal.catalogue.models import (
    AGREEMENT_STATUSES,
    FIGURE_KINDS,
    GUIDE_PAGES,
    GUIDE_SECTIONS,
    Agreement,
    Guide,
    Opportunity,
    Sector,
    TradeFigure,
    Zone,
)
from portal.core.extensions import db
from portal.core.i18n import language_blueprint
from portal.core.pagecache import cached_page
from portal.core.vocabulary import Vocabulary

bp = language_blueprint("corridor", __name__, template_folder="templates")

#: the headings of a guide's sections, in GUIDE_SECTIONS order
SECTION_TITLES = Vocabulary(
    company=_l("Registering a company"),
    visas=_l("Visas for investors"),
    land=_l("Getting land, in a zone or outside one"),
    repatriation=_l("Repatriating profits and capital"),
    aftercare=_l("Aftercare: the agency after you invest"),
)
#: how a listing of each country links to its guide
GUIDE_LINKS = Vocabulary(PK=_l("A guide to investing in Pakistan"), KG=_l("A guide to investing in Kyrgyzstan"))
GUIDE_OF = {country: page for page, country in GUIDE_PAGES.items()}


def period_short(figure: TradeFigure) -> str:
    """A figure's period in a few characters, for a chart: "2022–23", "2030"; a target says so."""
    start, end = figure.period_start, figure.period_end
    if figure.kind == "target":
        return f"{FIGURE_KINDS.label('target')} {end.year}"
    if start is not None and start.year != end.year:
        return f"{start.year}–{end.year % 100:02d}"
    return str(end.year)


def trade_figures() -> list[TradeFigure]:
    """Recorded figures by period, then targets."""
    statement = select(TradeFigure).options(selectinload(TradeFigure.texts))
    rows = list(db.session.scalars(statement))
    return sorted(rows, key=lambda row: (row.kind != "actual", row.period_end))


def agreements() -> list[Agreement]:
    """The tracker, most recent first."""
    statement = select(Agreement).options(selectinload(Agreement.texts)).order_by(Agreement.concluded_on.desc())
    return list(db.session.scalars(statement))


def related_listings(items: list[Agreement], lang: str) -> dict[int, Opportunity]:
    """The published listings ``items`` name, by id, with their texts in ``lang``."""
    wanted = {i for item in items for i in item.opportunity_ids or []}
    if not wanted:
        return {}
    statement = search.with_texts(
        select(Opportunity).where(Opportunity.id.in_(wanted), Opportunity.state == "published"), lang
    )
    return {row.id: row for row in db.session.scalars(statement).unique()}


def cited_sources() -> set[int]:
    """The ids of the sources that public content cites (a source nobody cites yet is not public)."""
    cited: set[int] = set()
    for model in (Zone, Sector, Agency, Agreement, TradeFigure, Guide):
        for citations in db.session.scalars(select(model.citations)):
            cited.update(row["source"] for row in citations or [])
    published = select(Opportunity.citations).where(Opportunity.state == "published")
    for citations in db.session.scalars(published):
        cited.update(row["source"] for row in citations or [])
    return cited


@bp.get("/corridor")
@cached_page
def corridor() -> ResponseReturnValue:
    """Trade between the two countries in figures, and what their governments agreed, with sources."""
    items = agreements()
    return render_template(
        "catalogue/corridor.html",
        figures=trade_figures(),
        agreements=items,
        statuses=AGREEMENT_STATUSES,
        sectors_by_id={s.id: s for s in content.public_sectors()},
        listings=related_listings(items, g.lang),
    )


@bp.get("/invest-in/<country>")
@cached_page
def guide(country: str) -> ResponseReturnValue:
    """How to invest in one country: company, visas, land, profits, aftercare; sourced and dated."""
    code = GUIDE_PAGES.get(country)
    if code is None:
        abort(404)
    item = db.session.scalar(select(Guide).where(Guide.country == code).options(selectinload(Guide.texts)))
    if item is None:
        abort(404)
    agency = next((a for a in all_agencies() if a.country == code), None)
    return render_template("catalogue/guide.html", guide=item, agency=agency, sections=GUIDE_SECTIONS, page=country)


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    globals_: dict[str, Any] = {
        "guide_links": GUIDE_LINKS,
        "guide_of": GUIDE_OF,
        "section_titles": SECTION_TITLES,
        "figure_kinds": FIGURE_KINDS,
        "agreement_statuses": AGREEMENT_STATUSES,
        "period_short": period_short,
    }
    state.app.jinja_env.globals.update(globals_)
