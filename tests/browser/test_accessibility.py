"""axe-core in Chromium on every public and staff page type, in every language.

No violations of WCAG 2.0, 2.1 and 2.2 A and AA, of axe's best practices, nor of
the enhanced contrast (7:1 for text, WCAG 1.4.6, AAA).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from portal.catalogue import demo
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries import samples
from tests.factories import make_enquiries

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ["en", "ur", "ru", "ky"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: rules run besides the tags': the enhanced contrast is tagged AAA only
RULES = ["color-contrast-enhanced"]
CONTRAST_RULES = {"color-contrast", "color-contrast-enhanced"}
#: axe (4.6 and later) guesses which texts are an icon font's ligatures and leaves them out of its
#: contrast rules. Joined Arabic-script text looks like such ligatures to it: after three of them a
#: font counts as an icon font, and an Urdu page had none of its text checked. The portal draws no
#: icon with a font (its icons are SVG), so every font is declared one of real text before each run.
REAL_TEXT_FONTS = "axe._cache.set('fonts', new Proxy({}, {get: () => ({occurrences: 3, numLigatures: 0})}))"
PUBLIC_PAGES = {
    "home": "/{lang}/",
    "list": "/{lang}/opportunities?sector=textiles",
    "search": "/{lang}/opportunities?q=textile&page=1",
    "nothing-found": "/{lang}/opportunities?q=demin&country=kg&kind=ppp",
    "detail": "/{lang}/opportunities/faisalabad-denim-finishing-plant",
    "sector": "/{lang}/sectors/energy",
    "zones": "/{lang}/zones",
    "zone": "/{lang}/zones/naryn-fez",
    "planned-zone": "/{lang}/zones/at-bashi-logistics-centre",
    "zones-by-status": "/{lang}/zones?status=planned",
    "corridor": "/{lang}/corridor",
    "guide-pk": "/{lang}/invest-in/pakistan",
    "guide-kg": "/{lang}/invest-in/kyrgyzstan",
    "compare-zones": "/{lang}/compare?zones=rashakai,bishkek-fez,naryn-fez,at-bashi-logistics-centre",
    "about": "/{lang}/about",
    "accessibility": "/{lang}/accessibility",
    "open-data": "/{lang}/open-data",
    "response-times": "/{lang}/response-times",
    "enquire": "/{lang}/enquire?opportunity=issyk-kul-eco-resort",
    "enquire-general": "/{lang}/enquire",
    "status": "/{lang}/enquiries/status",
    "not-found": "/{lang}/no-such-page",
}


@pytest.fixture
def axe_page(browser, live_app):
    from tests.conftest import database, skip_or_fail

    if not AXE.exists():
        skip_or_fail("axe-core is not installed (npm ci)")
    with database(live_app):
        demo.load()
        samples.load()  # so that the response-times page has its charts and tables
    context = browser.new_context(base_url=live_app.base_url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        f"""([tags, rules]) => {{
            {REAL_TEXT_FONTS};
            return axe.run(document, {{
                runOnly: {{type: 'tag', values: tags}},
                rules: Object.fromEntries(rules.map(rule => [rule, {{enabled: true}}])),
            }});
        }}""",
        [TAGS, RULES],
    )
    ran = {rule["id"] for key in ("passes", "violations", "incomplete", "inapplicable") for rule in result[key]}
    assert set(RULES) <= ran, f"axe did not run {set(RULES) - ran}"
    # Every page has a heading: if axe did not look at its contrast, it left the page's text out.
    checked = [
        node["target"][0]
        for key in ("passes", "violations", "incomplete")
        for rule in result[key]
        if rule["id"] in CONTRAST_RULES
        for node in rule["nodes"]
    ]
    heading_checked = "targets => targets.some(t => document.querySelector('h1').contains(document.querySelector(t)))"
    assert page.evaluate(heading_checked, checked), f"axe checked no contrast of the heading on {page.url}"
    return result["violations"]


def report(found: dict[str, list]) -> str:
    """Violations grouped by rule, with the pages and elements where they occur."""
    lines = []
    for rule, cases in sorted(found.items()):
        lines.append(f"{rule}: {cases[0][1]} ({len(cases)} pages)")
        for where, _help, targets in cases[:6]:
            lines.append(f"    {where}: {', '.join(targets[:3])}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_have_no_axe_violations(axe_page, lang):
    found = defaultdict(list)
    for name, path in PUBLIC_PAGES.items():
        axe_page.goto(path.format(lang=lang))
        for violation in violations(axe_page):
            targets = [", ".join(node["target"]) for node in violation["nodes"]]
            found[violation["id"]].append((f"{name} ({lang})", violation["help"], targets))
    assert not found, "\n" + report(found)


STAFF_PAGES = {
    "login": "/admin/login",
    "dashboard": "/admin/",
    "inbox": "/admin/enquiries?status=new",
    "inbox-overdue": "/admin/enquiries?overdue=1",
    "enquiry": "/admin/enquiries/{reference}",
    "listings": "/admin/opportunities",
    "listing-edit": "/admin/opportunities/{listing}",
    "listing-new": "/admin/opportunities/new",
    "zones": "/admin/zones",
    "zone-edit": "/admin/zones/{zone}",
    "sectors": "/admin/sectors",
    "agency-edit": "/admin/agencies/{agency}",
    "users": "/admin/users",
    "audit": "/admin/audit",
    "account": "/admin/account",
    "two-factor-enrolment": "/admin/two-factor",
    "revisions": "/admin/revisions",
    "synonyms": "/admin/synonyms",
    "revision": "/admin/revisions/{revision}",
    "sources": "/admin/sources",
    "source-edit": "/admin/sources/1",
    "source-new": "/admin/sources/new",
    "agreements": "/admin/agreements",
    "agreement-edit": "/admin/agreements/1",
    "trade-figures": "/admin/trade-figures",
    "trade-figure-edit": "/admin/trade-figures/1",
    "guides": "/admin/guides",
    "guide-edit": "/admin/guides/1",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_pages_have_no_axe_violations(live_app, axe_page, lang):
    from sqlalchemy import select

    from portal.agencies.models import Agency
    from portal.catalogue.models import Opportunity, Revision, Zone
    from portal.staff.accounts import create_user
    from tests.conftest import database

    with database(live_app):
        create_user("admin@example.org", "admin", None, "correct horse battery", preferred_language=lang)
        (enquiry,) = make_enquiries(destination="pk")
        # an overdue one too, so that the inbox shows its highlighted row
        (late,) = make_enquiries(destination="pk")
        late.reply_by = utcnow().date() - timedelta(days=3)
        ids = {
            "reference": enquiry.reference,
            "listing": db.session.scalar(select(Opportunity.id).limit(1)),
            "zone": db.session.scalar(select(Zone.id).limit(1)),
            "agency": db.session.scalar(select(Agency.id).limit(1)),
        }
        zone = db.session.get(Zone, ids["zone"])
        revision = Revision(
            kind="zone",
            item_id=zone.id,
            agency_id=zone.agency_id,
            key=zone.slug,
            values={"area_ha": (zone.area_ha or 0) + 10},
            texts={lang: {"name": "A new name", "summary": "A new summary."}},
            editor_ids=[],
        )
        db.session.add(revision)
        db.session.flush()
        ids["revision"] = revision.id
    found = defaultdict(list)
    axe_page.goto("/admin/login")
    for violation in violations(axe_page):
        found[violation["id"]].append(
            (f"login ({lang})", violation["help"], [str(n["target"]) for n in violation["nodes"]])
        )
    axe_page.locator("#email").fill("admin@example.org")
    axe_page.locator("#password").fill("correct horse battery")
    axe_page.locator("form.status-form button[type=submit]").click()
    axe_page.wait_for_url("**/admin/")
    for name, path in STAFF_PAGES.items():
        if name == "login":
            continue
        axe_page.goto(path.format(**ids))
        assert f'lang="{lang}"' in axe_page.content()[:200]
        for violation in violations(axe_page):
            targets = [", ".join(node["target"]) for node in violation["nodes"]]
            found[violation["id"]].append((f"{name} ({lang})", violation["help"], targets))
    assert not found, "\n" + report(found)
