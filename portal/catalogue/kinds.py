"""The four kinds of catalogue content as the editor sees them: their forms, choices and extra rules."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.agencies.models import COUNTRIES, Agency, AgencyText, all_agencies
from portal.catalogue import content, workflow
from portal.catalogue.editor import Kind
from portal.catalogue.forms import (
    AgencyForm,
    AgencyTexts,
    AgreementForm,
    AgreementTexts,
    GuideForm,
    GuideTexts,
    IncentiveRuleForm,
    IncentiveRuleTexts,
    NamedTexts,
    OpportunityForm,
    OpportunityTexts,
    SectorForm,
    SourceForm,
    TradeFigureForm,
    TradeFigureTexts,
    ZoneForm,
    ZoneTexts,
)
from portal.catalogue.models import (
    REGIONS,
    Agreement,
    AgreementText,
    Guide,
    GuideText,
    IncentiveRule,
    IncentiveRuleText,
    Opportunity,
    OpportunityText,
    Sector,
    SectorText,
    Source,
    TradeFigure,
    TradeFigureText,
    Zone,
    ZoneText,
)
from portal.core.time import utcnow
from portal.staff.audit import Changes


def _place_choices(form: Any) -> None:
    """Country, region and the agencies the user may file under (their own, or any for administrators)."""
    form.country.choices = [SelectChoice(c, content.country_name(c)) for c in COUNTRIES]
    form.region.choices = REGIONS.choices()
    form.agency.choices = [SelectChoice(str(a.id), a.code) for a in all_agencies() if current_user.can_see_agency(a.id)]


def _name(item: Any) -> str:
    text = item.translation(current_user.preferred_language)
    return text.name if text else item.slug


def _listing_choices(form: Any) -> dict[int, Zone]:
    _place_choices(form)
    lang = current_user.preferred_language
    sectors = content.sectors_in_order(content.all_sectors(), lang)
    form.sector.choices = [SelectChoice(str(s.id), _name(s)) for s in sectors]
    zones = content.zones_in_order(content.all_zones(), lang)
    form.zone.choices = [SelectChoice("", _("None"))] + [SelectChoice(str(z.id), _name(z)) for z in zones]
    return {z.id: z for z in zones}


def _zone_in_country(form: Any, zones: dict[int, Zone]) -> bool:
    if form.zone.data and zones[int(form.zone.data)].country != form.country.data:
        form.zone.errors = [_("This zone is not in the chosen country.")]
        return False
    return True


def _updated(item: Any) -> None:
    item.updated_at = utcnow()


def _edited(item: Any) -> Changes | None:
    """A listing's content changed: note who did it; one in review goes back to draft.

    The reviewer must approve what was submitted, not what someone wrote since.
    """
    _updated(item)
    item.edited_by_id = current_user.id
    if item.state == "in_review":
        item.state = "draft"
        flash(_("The listing was in review and is a draft again: submit it once it is ready."))
        return {"state": ("in_review", "draft")}
    return None


def _published(item: Any) -> bool:
    return item is not None and item.state == "published"


def _always(item: Any) -> bool:
    return True


LISTING = Kind(
    "opportunity",
    Opportunity,
    OpportunityText,
    OpportunityForm,
    OpportunityTexts,
    fields=("slug", "country", "region", "min_usd", "max_usd", "kind", "stage", "featured", "citations"),
    links={"sector": "sector_id", "zone": "zone_id", "agency": "agency_id"},
    template="catalogue/staff/opportunity_form.html",
    choices=_listing_choices,
    check=_zone_in_country,
    touch=_edited,
    reviewed=_published,
    previews=True,
    context=lambda item: {"actions": workflow.allowed_actions(current_user, item) if item else []},
)
ZONE = Kind(
    "zone",
    Zone,
    ZoneText,
    ZoneForm,
    ZoneTexts,
    fields=(
        "slug",
        "country",
        "kind",
        "status",
        "region",
        "latitude",
        "longitude",
        "area_ha",
        "established",
        "citations",
    ),
    links={"agency": "agency_id"},
    choices=_place_choices,
    touch=_updated,
    reviewed=_always,
)
SECTOR = Kind(
    "sector",
    Sector,
    SectorText,
    SectorForm,
    NamedTexts,
    fields=("slug", "position", "citations"),
    agency_column=None,
    reviewed=_always,
)
AGENCY = Kind(
    "agency",
    Agency,
    AgencyText,
    AgencyForm,
    AgencyTexts,
    fields=("website", "phone", "enquiry_email", "reply_days", "notification_language", "citations"),
    agency_column="id",
    key="code",
)


def _sector_choices(form: Any) -> None:
    sectors = content.sectors_in_order(content.all_sectors(), current_user.preferred_language)
    form.sector_ids.choices = [SelectChoice(s.id, _name(s)) for s in sectors]


def _guide_choices(form: Any) -> None:
    form.country.choices = [SelectChoice(c, content.country_name(c)) for c in COUNTRIES]


SOURCE = Kind(
    "source",
    Source,
    None,
    SourceForm,
    None,
    fields=("key", "title", "publisher", "url", "document", "published_on", "consulted_on"),
    agency_column=None,
    key="key",
    shared=True,
    touch=_updated,
    # a new source shows nowhere until a reviewed change cites it; a change to a cited one is public at once
    reviewed=lambda item: item is not None,
)
AGREEMENT = Kind(
    "agreement",
    Agreement,
    AgreementText,
    AgreementForm,
    AgreementTexts,
    fields=("slug", "concluded_on", "status", "sector_ids", "opportunity_ids", "citations"),
    agency_column=None,
    shared=True,
    choices=_sector_choices,
    touch=_updated,
    reviewed=_always,
)
TRADE_FIGURE = Kind(
    "trade_figure",
    TradeFigure,
    TradeFigureText,
    TradeFigureForm,
    TradeFigureTexts,
    fields=("slug", "kind", "value_usd", "period_start", "period_end", "citations"),
    agency_column=None,
    shared=True,
    touch=_updated,
    reviewed=_always,
)
GUIDE = Kind(
    "guide",
    Guide,
    GuideText,
    GuideForm,
    GuideTexts,
    fields=("country", "as_of", "citations"),
    agency_column=None,
    key="country",
    shared=True,
    choices=_guide_choices,
    touch=_updated,
    reviewed=_always,
)


def _rule_choices(form: Any) -> dict[str, Any]:
    agencies = [a for a in all_agencies() if current_user.can_see_agency(a.id)]
    form.agency.choices = [SelectChoice(str(a.id), a.code) for a in agencies]
    zones = content.zones_in_order(content.all_zones(), current_user.preferred_language)
    form.zone_ids.choices = [SelectChoice(z.id, f"{_name(z)} ({content.country_name(z.country)})") for z in zones]
    return {"agencies": {a.id: a for a in agencies}, "zones": {z.id: z for z in zones}}


def _zones_of_agency(form: Any, rows: dict[str, Any]) -> bool:
    """A rule's zones are in its agency's country: an agency sets the rules of its own country's zones."""
    country = rows["agencies"][int(form.agency.data)].country
    if any(rows["zones"][zone_id].country != country for zone_id in form.zone_ids.data or []):
        form.zone_ids.errors = [_("These zones are not all in the responsible agency's country.")]
        return False
    return True


INCENTIVE_RULE = Kind(
    "incentive_rule",
    IncentiveRule,
    IncentiveRuleText,
    IncentiveRuleForm,
    IncentiveRuleTexts,
    fields=(
        "slug",
        "zone_ids",
        "basis",
        "general_rate",
        "rule_rate",
        "first_year",
        "last_year",
        "ends_on",
        "citations",
    ),
    links={"agency": "agency_id"},
    choices=_rule_choices,
    check=_zones_of_agency,
    touch=_updated,
    reviewed=_always,
)

#: every kind by its name (``Revision.kind``)
KINDS = {
    kind.name: kind for kind in (LISTING, ZONE, SECTOR, AGENCY, SOURCE, AGREEMENT, TRADE_FIGURE, GUIDE, INCENTIVE_RULE)
}
#: the kinds curators of both agencies write and review
SHARED = tuple(kind.name for kind in KINDS.values() if kind.shared)
