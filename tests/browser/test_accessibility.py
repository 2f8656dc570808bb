"""axe-core in Chromium on every public and staff page type, in every language.

No violations of WCAG 2.0, 2.1 and 2.2 A and AA, of axe's best practices, nor of
the enhanced contrast (7:1 for text, WCAG 1.4.6, AAA).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from portal.core.extensions import db
from portal.core.time import utcnow
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
    "estimator": "/{lang}/incentives?zone=rashakai",
    "estimate": "/{lang}/incentives?zone=high-technology-park&investment=1000000&imported_share=10"
    "&annual_profit=300000&export_share=80&jobs=50&annual_pay=12000&start_year=2027",
    "estimate-errors": "/{lang}/incentives?zone=rashakai&investment=-1&imported_share=x&annual_profit=1"
    "&export_share=0&jobs=1&start_year=2027",
    "enquire-with-estimate": "/{lang}/enquire?estimate=zone%3Drashakai%26investment%3D1000000%26imported_share%3D50"
    "%26annual_profit%3D100000%26export_share%3D0%26jobs%3D10%26start_year%3D2027",
    "follow-search": "/{lang}/alerts/new?sector=textiles&country=pk&q=denim",
    "follow-sent": "/{lang}/alerts/sent",
    "follow-confirm": "/{lang}/alerts/confirm/axe-check",
    "follow-unsubscribe": "/{lang}/alerts/unsubscribe/axe-check",
    "follow-gone": "/{lang}/alerts/confirm/no-such-link",
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
def axe_context(browser, demo_site):
    from tests.conftest import skip_or_fail

    if not AXE.exists():
        skip_or_fail("axe-core is not installed (npm ci)")
    context = browser.new_context(base_url=demo_site.base_url, bypass_csp=True)
    context.add_init_script(path=str(AXE))  # in every page before its own scripts, as a browser extension would
    yield context
    context.close()


def start_axe(page) -> None:
    """axe starts on the page's document, after this call returns; finish_axe waits for it.

    What comes back is boiled down in the page: the whole result (every passing node's markup)
    takes longer to hand over than axe takes to run.
    """
    page.evaluate(
        f"""([tags, rules, contrastRules]) => {{
            {REAL_TEXT_FONTS};
            const options = {{
                runOnly: {{type: 'tag', values: tags}},
                rules: Object.fromEntries(rules.map(rule => [rule, {{enabled: true}}])),
            }};
            const run = () => axe.run(document, options).then(result => {{
                const kinds = ['passes', 'violations', 'incomplete', 'inapplicable'];
                const ran = kinds.flatMap(kind => result[kind].map(rule => rule.id));
                const heading = document.querySelector('h1');
                const headingChecked = kinds.slice(0, 3).some(kind => result[kind].some(rule =>
                    contrastRules.includes(rule.id) && rule.nodes.some(node =>
                        heading.contains(document.querySelector(node.target[0])))));
                const violations = result.violations.map(v => ({{
                    id: v.id, help: v.help, targets: v.nodes.map(node => node.target.join(', ')),
                }}));
                return {{ran, headingChecked, violations}};
            }});
            window.axeResult = new Promise(resolve => setTimeout(resolve, 0)).then(run);
        }}""",
        [TAGS, RULES, sorted(CONTRAST_RULES)],
    )


def finish_axe(page) -> list[dict]:
    """The violations axe found on the page, once it has finished: id, help and targets of each."""
    result = page.evaluate("() => window.axeResult")
    assert set(RULES) <= set(result["ran"]), f"axe did not run {set(RULES) - set(result['ran'])}"
    # Every page has a heading: if axe did not look at its contrast, it left the page's text out.
    assert result["headingChecked"], f"axe checked no contrast of the heading on {page.url}"
    return result["violations"]


def audit(context, pages: dict[str, str], lang: str, *, in_lang: bool = True) -> dict[str, list]:
    """axe's violations on each page, by rule: (page, help, elements) for each.

    Two tabs take turns, so that one page loads while axe works through the other
    (axe runs in each tab's own renderer, so both cores are busy).
    """
    found = defaultdict(list)
    tabs = [context.new_page(), context.new_page()]
    running: list[str | None] = [None, None]

    def collect(turn: int) -> None:
        for violation in finish_axe(tabs[turn]):
            found[violation["id"]].append((f"{running[turn]} ({lang})", violation["help"], violation["targets"]))
        running[turn] = None

    for number, (name, path) in enumerate(pages.items()):
        turn = number % 2
        if running[turn]:
            collect(turn)
        tabs[turn].goto(path)
        if in_lang:
            assert tabs[turn].evaluate("document.documentElement.lang") == lang, path
        start_axe(tabs[turn])
        running[turn] = name
    for turn in (0, 1):
        if running[turn]:
            collect(turn)
    for tab in tabs:
        tab.close()
    return found


def report(found: dict[str, list]) -> str:
    """Violations grouped by rule, with the pages and elements where they occur."""
    lines = []
    for rule, cases in sorted(found.items()):
        lines.append(f"{rule}: {cases[0][1]} ({len(cases)} pages)")
        for where, _help, targets in cases[:6]:
            lines.append(f"    {where}: {', '.join(targets[:3])}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_have_no_axe_violations(demo_site, axe_context, lang):
    from sqlalchemy import select

    from portal.alerts.models import Alert
    from tests.conftest import database

    with database(demo_site):  # a subscription waiting for its confirmation, for the pages of its links
        if db.session.scalar(select(Alert).where(Alert.token == "axe-check")) is None:
            db.session.add(Alert(token="axe-check", email="axe@example.org", lang="en", frequency="weekly", filters={}))
    found = audit(axe_context, {name: path.format(lang=lang) for name, path in PUBLIC_PAGES.items()}, lang)
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
    "incentive-rules": "/admin/incentive-rules",
    "incentive-rule-edit": "/admin/incentive-rules/1",
    "translations": "/admin/translations",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_pages_have_no_axe_violations(demo_site, axe_context, lang):
    from sqlalchemy import select

    from portal.agencies.models import Agency
    from portal.catalogue.models import Opportunity, Revision, Zone
    from portal.staff.accounts import create_user
    from tests.conftest import database

    email = f"admin-{lang}@example.org"
    with database(demo_site):
        create_user(email, "admin", None, "correct horse battery", preferred_language=lang)
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
    found = audit(axe_context, {"login": STAFF_PAGES["login"]}, lang, in_lang=False)
    page = axe_context.new_page()
    page.goto("/admin/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("correct horse battery")
    page.locator("form.status-form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.close()
    pages = {name: path.format(**ids) for name, path in STAFF_PAGES.items() if name != "login"}
    for rule, cases in audit(axe_context, pages, lang).items():
        found[rule].extend(cases)
    assert not found, "\n" + report(found)
