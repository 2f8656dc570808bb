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
    NamedTexts,
    OpportunityForm,
    OpportunityTexts,
    SectorForm,
    ZoneForm,
    ZoneTexts,
)
from portal.catalogue.models import REGIONS, Opportunity, OpportunityText, Sector, SectorText, Zone, ZoneText
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
    form.sector.choices = [SelectChoice(str(s.id), _name(s)) for s in content.all_sectors()]
    zones = content.all_zones()
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
    fields=("slug", "country", "region", "min_usd", "max_usd", "kind", "stage", "featured"),
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
    fields=("slug", "country", "kind", "region", "latitude", "longitude", "area_ha", "established"),
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
    fields=("slug", "position"),
    agency_column=None,
    reviewed=_always,
)
AGENCY = Kind(
    "agency",
    Agency,
    AgencyText,
    AgencyForm,
    NamedTexts,
    fields=("website", "enquiry_email", "reply_days", "notification_language"),
    agency_column="id",
    key="code",
)

#: every kind by its name (``Revision.kind``)
KINDS = {kind.name: kind for kind in (LISTING, ZONE, SECTOR, AGENCY)}
