"""The incentive estimator, ``/<lang>/incentives?zone=<slug>``: what a zone's incentive rules are worth to a project.

The investor's figures travel in the address (a GET form: no account, no cookie), so a result can be
bookmarked, shared, and attached to an enquiry (``?estimate=`` on the enquiry form, read by ``attached``).
The arithmetic is ``catalogue.incentives``; this module reads the rules and the form, and shows the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import abort, g, render_template, request
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation

from portal.catalogue import content, incentives
from portal.catalogue.models import INCENTIVE_BASES, SLUG, IncentiveRule, Opportunity, Zone
from portal.core.extensions import db
from portal.core.forms import LocalizedForm
from portal.core.freshness import PerVersion
from portal.core.i18n import language_blueprint
from portal.core.pagecache import cached_page
from portal.core.time import utcnow
from portal.core.translated import localized

bp = language_blueprint("incentives", __name__, template_folder="templates")

#: the investor's figures, by the name each has in the address
INPUTS = ("investment", "imported_share", "annual_profit", "export_share", "jobs", "annual_pay", "start_year")


def well_formed(form: Any, field: Any) -> None:
    """Stops at a figure that is not a whole number: its one error says so, not also that it is out of range."""
    if field.process_errors:
        raise StopValidation()


MONEY = NumberRange(min=0, max=10**11, message=_l("Please give an amount between 0 and 100 billion dollars."))
SHARE = NumberRange(min=0, max=100, message=_l("Please give a share between 0 and 100 percent."))


class EstimateForm(LocalizedForm):
    """The project, as the investor describes it; read from the address."""

    class Meta:
        csrf = False  # it changes nothing: a search form, not a submission

    zone = SelectField(_l("Economic zone"))
    investment = IntegerField(
        _l("Investment (US dollars)"), validators=[well_formed, InputRequired(_l("Please give the investment.")), MONEY]
    )
    imported_share = IntegerField(
        _l("Share of the investment spent on imported equipment (percent)"),
        default=0,
        validators=[well_formed, InputRequired(_l("Please give the share of imported equipment.")), SHARE],
    )
    annual_profit = IntegerField(
        _l("Expected profit a year, before tax (US dollars)"),
        validators=[well_formed, InputRequired(_l("Please give the expected annual profit.")), MONEY],
    )
    export_share = IntegerField(
        _l("Share of sales exported (percent)"),
        default=0,
        validators=[well_formed, InputRequired(_l("Please give the share of sales exported.")), SHARE],
    )
    jobs = IntegerField(
        _l("Jobs created"),
        default=0,
        validators=[
            InputRequired(_l("Please give the number of jobs.")),
            NumberRange(min=0, max=1_000_000, message=_l("Please give a number of jobs between 0 and 1,000,000.")),
        ],
    )
    annual_pay = IntegerField(
        _l("Average pay of one job a year (US dollars; only rules on the income tax of pay use it)"),
        default=0,
        validators=[well_formed, Optional(), MONEY],
    )
    start_year = IntegerField(
        _l("Year the project starts"),
        validators=[
            InputRequired(_l("Please give the year the project starts.")),
            NumberRange(min=2000, max=2100, message=_l("Please give a year between 2000 and 2100.")),
        ],
    )

    def project(self) -> incentives.Project:
        return incentives.Project(
            investment=Decimal(self.investment.data),
            imported_share=Decimal(self.imported_share.data),
            annual_profit=Decimal(self.annual_profit.data),
            export_share=Decimal(self.export_share.data),
            jobs=self.jobs.data,
            annual_pay=Decimal(self.annual_pay.data or 0),
            start_year=self.start_year.data,
        )


def estimable(zone: Zone) -> bool:
    """Whether some incentive rule applies in ``zone``: its pages then link to the estimator."""
    return any(zone.id in rule.zone_ids for rule in all_rules())


def zones_with_rules() -> list[Zone]:
    """The public zones some incentive rule applies in, in the page's alphabetical order."""
    ids = {zone_id for rule in all_rules() for zone_id in rule.zone_ids}
    return content.zones_in_order([zone for zone in content.public_zones() if zone.id in ids], g.lang)


def _load_rules() -> list[IncentiveRule]:
    statement = select(IncentiveRule).options(selectinload(IncentiveRule.texts)).order_by(IncentiveRule.id)
    return list(db.session.scalars(statement))


_rules = PerVersion(content.detached(_load_rules))


def all_rules() -> list[IncentiveRule]:
    """Every incentive rule with its texts: read again only when public content changes."""
    return list(_rules.get())


def rules_of(zone: Zone) -> list[IncentiveRule]:
    """The incentive rules of ``zone``, in the order of their bases (profit, exports, equipment, pay)."""
    order = list(INCENTIVE_BASES)
    found = [rule for rule in all_rules() if zone.id in rule.zone_ids]
    return sorted(found, key=lambda rule: (order.index(rule.basis) if rule.basis in order else len(order), rule.id))


def as_rule(rule: IncentiveRule) -> incentives.Rule:
    return incentives.Rule(
        key=rule.slug,
        basis=rule.basis,
        general_rate=Decimal(str(rule.general_rate)),
        rule_rate=Decimal(str(rule.rule_rate)),
        first_year=rule.first_year,
        last_year=rule.last_year,
        ends_on=rule.ends_on,
    )


def _zone_name(zone: Zone) -> str:
    text = localized(zone, g.lang)
    return text.name if text else zone.slug


def public_zone(slug: str | None) -> Zone | None:
    """The public zone ``slug`` names, if any."""
    if not slug or not SLUG.match(slug):
        return None
    return next((zone for zone in content.public_zones() if zone.slug == slug), None)


def read(
    args: MultiDict[str, str], zone: Zone | None
) -> tuple[EstimateForm, list[IncentiveRule], incentives.Estimate | None]:
    """The form filled from ``args`` for ``zone``, the zone's rules, and the estimate once the figures are valid."""
    form = EstimateForm(formdata=args)
    zones = zones_with_rules()
    form.zone.choices = [(zone.slug, _zone_name(zone)) for zone in zones]
    if zone is not None:
        form.zone.data = zone.slug
    if not args.get("start_year"):
        form.start_year.data = form.start_year.data or utcnow().year
        form.start_year.raw_data = [str(form.start_year.data)]
    rules = rules_of(zone) if zone is not None else []
    filled = any(args.get(name) not in (None, "") for name in INPUTS if name not in ("investment", "start_year"))
    if zone is None or zone not in zones or not filled or not form.validate():
        return form, rules, None
    return form, rules, incentives.estimate([as_rule(rule) for rule in rules], form.project())


def query(form: EstimateForm) -> str:
    """The estimate's address query (zone and figures), as it is attached to an enquiry."""
    values = {"zone": form.zone.data, **{name: getattr(form, name).data for name in INPUTS}}
    return urlencode({name: value for name, value in values.items() if value is not None})


@bp.get("/incentives")
@cached_page
def estimator() -> ResponseReturnValue:
    """The estimator: choose a zone, describe the project, see each rule's worth for ten years."""
    zone = public_zone(request.args.get("zone"))
    if request.args.get("zone") and zone is None:
        abort(404)
    form, zone_rules, estimate = read(request.args, zone)
    opportunity = _opportunity(request.args.get("opportunity"))
    status = 400 if form.errors and zone is not None else 200
    rules = {rule.slug: rule for rule in zone_rules}
    return (
        render_template(
            "catalogue/incentives.html",
            form=form,
            zone=zone,
            estimate=estimate,
            rules=rules,
            opportunity=opportunity,
            attach=query(form) if estimate is not None else None,
            has_rules=bool(rules),
            bases=INCENTIVE_BASES,
        ),
        status,
    )


def _opportunity(slug: str | None) -> Opportunity | None:
    """The published listing the investor came from (its page links here), if any and if it exists."""
    if not slug or not SLUG.match(slug):
        return None
    return db.session.scalar(select(Opportunity).where(Opportunity.slug == slug, Opportunity.state == "published"))


def snapshot(args: MultiDict[str, str], lang: str) -> dict[str, Any] | None:
    """An estimate as an enquiry keeps it (``Enquiry.estimate``): the figures, each rule's worth, the sources.

    None when ``args`` do not make a valid estimate (an unknown zone, a figure out of range).
    """
    zone = public_zone(args.get("zone"))
    if zone is None:
        return None
    form, zone_rules, estimate = read(args, zone)
    if estimate is None:
        return None
    lines = []
    rules = {rule.slug: rule for rule in zone_rules}
    for line in estimate.lines:
        rule = rules[line.rule.key]
        text = localized(rule, lang)
        lines.append(
            {
                "rule": rule.slug,
                "name": text.name if text else rule.slug,
                "basis": rule.basis,
                "general_rate": rule.general_rate,
                "rule_rate": rule.rule_rate,
                "years": [round(value) for value in line.years],
                "total": round(line.total),
                "sources": [
                    {
                        "title": source.title,
                        "publisher": source.publisher,
                        "url": source.url,
                        "as_of": group.as_of.isoformat(),
                    }
                    for group in content.sourced(rule, "incentive_rule")
                    for source in group.sources
                ],
            }
        )
    zone_text = localized(zone, lang)
    return {
        "zone": zone.slug,
        "zone_name": zone_text.name if zone_text else zone.slug,
        "query": query(form),
        "inputs": {name: getattr(form, name).data for name in INPUTS},
        "first_year": estimate.project.start_year,
        "lines": lines,
        "total": round(estimate.total),
        "made_on": utcnow().date().isoformat(),
    }


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(estimable=estimable)
