"""Small builders for catalogue rows; each fills what a test does not care about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from portal.agencies.models import Agency, AgencyText
from portal.catalogue.models import (
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
from portal.core.extensions import db
from portal.enquiries import routing
from portal.enquiries.models import Enquiry

_numbers = count(1)

LANGUAGES = ("en", "ur", "ru", "ky")


def make_agency(code: str = "BOI", country: str = "PK") -> Agency:
    existing = db.session.query(Agency).filter_by(code=code).one_or_none()
    if existing:
        return existing
    names = {"BOI": "Board of Investment", "NIA": "National Investment Agency"}
    agency = Agency(
        code=code,
        country=country,
        website=f"https://{code.lower()}.example.org",
        enquiry_email=f"{code.lower()}-enquiries@example.com",
        texts={"en": AgencyText(lang="en", name=names.get(code, code), description="Helps investors.")},
    )
    db.session.add(agency)
    db.session.flush()
    return agency


def make_sector(slug: str | None = None, names: dict[str, str] | None = None) -> Sector:
    slug = slug or f"sector-{next(_numbers)}"
    names = names or {"en": slug.replace("-", " ").title()}
    sector = Sector(
        slug=slug,
        texts={lang: SectorText(lang=lang, name=name, description=f"About {name}.") for lang, name in names.items()},
    )
    db.session.add(sector)
    db.session.flush()
    return sector


def make_zone(slug: str | None = None, country: str = "PK", name: str | None = None, **fields) -> Zone:
    slug = slug or f"zone-{next(_numbers)}"
    agency = make_agency("BOI", "PK") if country == "PK" else make_agency("NIA", "KG")
    zone = Zone(
        slug=slug,
        country=country,
        kind=fields.pop("kind", "sez"),
        region=fields.pop("region", "pk-sindh" if country == "PK" else "kg-bishkek"),
        agency=agency,
        texts={
            "en": ZoneText(
                lang="en",
                name=name or slug.replace("-", " ").title(),
                summary="A zone.",
                incentives="- Ten years without income tax",
                utilities="- Power on site",
                tax_regime="Exempt.",
                operator="Zone company",
            )
        },
        **fields,
    )
    db.session.add(zone)
    db.session.flush()
    return zone


def make_opportunity(
    slug: str | None = None,
    *,
    texts: dict[str, dict[str, str]] | None = None,
    sector: Sector | None = None,
    country: str = "PK",
    zone: Zone | None = None,
    state: str = "published",
    published_days_ago: int = 1,
    **fields,
) -> Opportunity:
    number = next(_numbers)
    slug = slug or f"opportunity-{number}"
    texts = texts or {"en": {"title": f"Opportunity {number}", "summary": "A summary.", "body": "A body."}}
    agency = make_agency("BOI", "PK") if country == "PK" else make_agency("NIA", "KG")
    published = datetime(2026, 11, 1) - timedelta(days=published_days_ago)
    opportunity = Opportunity(
        slug=slug,
        sector=sector or make_sector(),
        country=country,
        region=fields.pop("region", "pk-punjab" if country == "PK" else "kg-chui"),
        zone=zone,
        agency=agency,
        min_usd=fields.pop("min_usd", 1_000_000),
        max_usd=fields.pop("max_usd", 5_000_000),
        kind=fields.pop("kind", "greenfield"),
        stage=fields.pop("stage", "ready"),
        state=state,
        published_at=published if state == "published" else None,
        updated_at=published,
        texts={lang: OpportunityText(lang=lang, **values) for lang, values in texts.items()},
        **fields,
    )
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


#: what an investor typed into the enquiry form, as ``EnquiryForm.details`` gives it
INVESTOR = {
    "name": "Farah Qureshi",
    "organisation": "Gulf Textiles",
    "email": "farah@example.net",
    "phone": "",
    "country": "AE",
    "investor_type": "company",
    "ticket_size": "1m_10m",
    "message": "We want to source denim from Punjab.",
    "reply_language": "en",
}


def make_enquiries(destination: str = "pk", language: str = "en", opportunity=None, **details) -> list[Enquiry]:
    """Enquiries as the form sends them (one per agency), without going through the form."""
    return routing.submit({**INVESTOR, **details}, language=language, destination=destination, opportunity=opportunity)


def make_source(key: str | None = None, **fields) -> Source:
    key = key or f"source-{next(_numbers)}"
    source = Source(
        key=key,
        title=fields.pop("title", f"Report {key}"),
        publisher=fields.pop("publisher", "Board of Investment"),
        url=fields.pop("url", f"https://invest.gov.pk/{key}"),
        published_on=fields.pop("published_on", date(2025, 6, 30)),
        **fields,
    )
    db.session.add(source)
    db.session.flush()
    return source


def cite(source: Source, topic: str, as_of: str = "2025-06-30") -> dict:
    return {"topic": topic, "source": source.id, "as_of": as_of}


def make_trade_figures(source: Source | None = None) -> list[TradeFigure]:
    """The corridor's figures as the demo has them: two recorded years and the target."""
    source = source or make_source("trade-report")
    rows = [
        ("fy2022-23", "actual", 11_200_000, date(2022, 7, 1), date(2023, 6, 30), "Fiscal year 2022–23"),
        ("fy2024-25", "actual", 5_180_000, date(2024, 7, 1), date(2025, 6, 30), "Fiscal year 2024–25"),
        ("target", "target", 100_000_000, None, date(2030, 12, 31), "Target"),
    ]
    figures = [
        TradeFigure(
            slug=slug,
            kind=kind,
            value_usd=value,
            period_start=start,
            period_end=end,
            citations=[cite(source, "general")],
            texts={"en": TradeFigureText(lang="en", label=label, note="Both directions.")},
        )
        for slug, kind, value, start, end, label in rows
    ]
    db.session.add_all(figures)
    db.session.flush()
    return figures


def make_agreement(slug: str | None = None, status: str = "signed", **fields) -> Agreement:
    slug = slug or f"agreement-{next(_numbers)}"
    texts = fields.pop("texts", None) or {
        "en": {"title": slug.replace("-", " ").capitalize(), "parties": "BOI and NIA", "summary": "Cooperation."}
    }
    agreement = Agreement(
        slug=slug,
        status=status,
        concluded_on=fields.pop("concluded_on", date(2024, 11, 13)),
        texts={lang: AgreementText(lang=lang, **text) for lang, text in texts.items()},
        **fields,
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def make_guide(country: str = "PK", **fields) -> Guide:
    sections = {
        name: f"{name.capitalize()} in {country}." for name in ("company", "visas", "land", "repatriation", "aftercare")
    }
    guide = Guide(
        country=country,
        as_of=fields.pop("as_of", date(2026, 5, 11)),
        texts={"en": GuideText(lang="en", title=f"Investing in {country}", summary="How to invest.", **sections)},
        **fields,
    )
    db.session.add(guide)
    db.session.flush()
    return guide


def make_rule(slug: str | None = None, zones: tuple[Zone, ...] = (), **fields) -> IncentiveRule:
    """An incentive rule of ``zones`` (of one country): a ten-year profit tax holiday unless told otherwise."""
    slug = slug or f"rule-{next(_numbers)}"
    country = zones[0].country if zones else "PK"
    texts = fields.pop("texts", None) or {
        "en": {"name": slug.replace("-", " ").capitalize(), "general": "Income tax", "note": "Conditions apply."}
    }
    rule = IncentiveRule(
        slug=slug,
        agency=make_agency("BOI", "PK") if country == "PK" else make_agency("NIA", "KG"),
        zone_ids=[zone.id for zone in zones],
        basis=fields.pop("basis", "profit"),
        general_rate=fields.pop("general_rate", 29),
        rule_rate=fields.pop("rule_rate", 0),
        first_year=fields.pop("first_year", 1),
        last_year=fields.pop("last_year", 10),
        texts={lang: IncentiveRuleText(lang=lang, **text) for lang, text in texts.items()},
        **fields,
    )
    db.session.add(rule)
    db.session.flush()
    return rule
