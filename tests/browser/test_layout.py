"""Layout in a real browser: Urdu mirrors, nothing scrolls sideways on a phone, printing drops the chrome."""

from __future__ import annotations

import pytest

from tests.conftest import database

LANGUAGES = ["en", "ur", "ru", "ky"]
PAGES = [
    "/{lang}/",
    "/{lang}/opportunities",
    "/{lang}/opportunities?q=textile&country=kg",
    "/{lang}/opportunities/faisalabad-denim-finishing-plant",
    "/{lang}/sectors/energy",
    "/{lang}/zones",
    "/{lang}/zones/rashakai",
    "/{lang}/zones?status=planned",
    "/{lang}/zones/at-bashi-logistics-centre",
    "/{lang}/corridor",
    "/{lang}/invest-in/pakistan",
    "/{lang}/invest-in/kyrgyzstan",
    "/{lang}/compare?zones=rashakai,bishkek-fez,naryn-fez,at-bashi-logistics-centre",
    "/{lang}/compare?opportunities=faisalabad-denim-finishing-plant,bishkek-garment-export-factory",
    "/{lang}/enquire",
    "/{lang}/incentives?zone=rashakai&investment=10000000&imported_share=40&annual_profit=2000000&export_share=50"
    "&jobs=200&annual_pay=3000&start_year=2027",
    "/{lang}/alerts/new?sector=textiles&country=pk&q=denim",
    "/{lang}/about",
    "/{lang}/accessibility",
    "/{lang}/enquiries/status",
    "/{lang}/no-such-page",
]
STAFF_PAGES = [
    "/admin/",
    "/admin/enquiries",
    "/admin/opportunities",
    "/admin/opportunities/new",
    "/admin/zones",
    "/admin/audit",
    "/admin/account",
    "/admin/users",
    "/admin/agencies",
    "/admin/sectors",
    "/admin/zones/1",
    "/admin/sources",
    "/admin/sources/1",
    "/admin/agreements",
    "/admin/agreements/1",
    "/admin/trade-figures",
    "/admin/guides/1",
    "/admin/incentive-rules/1",
    "/admin/translations",
]


@pytest.fixture
def demo_page(browser, demo_site):
    context = browser.new_context(base_url=demo_site.base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang, side", [("en", "left"), ("ru", "left"), ("ky", "left"), ("ur", "right")])
def test_logo_sits_at_the_start_of_the_line(demo_page, lang, side):
    demo_page.goto(f"/{lang}/")
    box = demo_page.locator(".brand").bounding_box()
    width = demo_page.viewport_size["width"]
    if side == "left":
        assert box["x"] < width / 3
    else:
        assert box["x"] + box["width"] > width * 2 / 3


def test_pagination_arrows_and_facts_mirror_in_urdu(demo_page):
    demo_page.goto("/ur/opportunities/faisalabad-denim-finishing-plant")
    body = demo_page.locator(".body").bounding_box()
    facts = demo_page.locator(".facts").bounding_box()
    assert facts["x"] < body["x"]  # the sidebar is on the left (the end) in Urdu
    demo_page.goto("/en/opportunities/faisalabad-denim-finishing-plant")
    assert demo_page.locator(".facts").bounding_box()["x"] > demo_page.locator(".body").bounding_box()["x"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_sideways_scrolling_on_a_phone(browser, demo_site, lang):
    from portal.staff.accounts import create_user

    with database(demo_site):
        create_user(f"phone-{lang}@example.org", "admin", None, "correct horse battery", preferred_language=lang)
    context = browser.new_context(base_url=demo_site.base_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    wide = []
    page.goto("/admin/login")
    page.locator("#email").fill(f"phone-{lang}@example.org")
    page.locator("#password").fill("correct horse battery")
    page.locator("form.status-form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    for path in PAGES + STAFF_PAGES:
        page.goto(path.format(lang=lang))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide.append((path, overflow))
    context.close()
    assert wide == []


def test_print_shows_a_clean_brief(demo_page):
    demo_page.goto("/en/opportunities/faisalabad-denim-finishing-plant")
    demo_page.emulate_media(media="print")
    assert not demo_page.locator(".site-header").is_visible()
    assert not demo_page.locator(".site-footer").is_visible()
    assert demo_page.locator("h1").is_visible()
    assert demo_page.locator(".facts").is_visible()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_one_h1_and_visible_focus_everywhere(demo_page, lang):
    for path in PAGES:
        demo_page.goto(path.format(lang=lang))
        assert demo_page.locator("h1").count() == 1, path
        unfocused = demo_page.evaluate("""() => {
            const bad = [];
            const items = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea');
            for (const el of items) {
                if (el.closest('.honeypot') || el.offsetParent === null) continue;
                el.focus({focusVisible: true});
                const style = getComputedStyle(el);
                if (style.outlineStyle === 'none' && style.boxShadow === 'none') bad.push(el.outerHTML.slice(0, 80));
            }
            return bad;
        }""")
        assert unfocused == [], (path, unfocused[:3])


def test_printed_links_show_where_they_go(demo_page):
    demo_page.goto("/en/opportunities/faisalabad-denim-finishing-plant")
    demo_page.emulate_media(media="print")
    after = demo_page.evaluate("getComputedStyle(document.querySelector('.facts dd a'), '::after').content")
    assert "/en/sectors/" in after


@pytest.mark.parametrize("lang, side", [("en", "left"), ("ur", "right")])
def test_the_corridor_and_a_guide_read_from_the_right_in_urdu(demo_page, lang, side):
    for path in ("/{lang}/corridor", "/{lang}/invest-in/kyrgyzstan"):
        demo_page.goto(path.format(lang=lang))
        width = demo_page.viewport_size["width"]
        heading = demo_page.locator("main h2").first.bounding_box()
        source = demo_page.locator(".backing").first.bounding_box()
        if side == "left":
            assert heading["x"] < width / 3 and source["x"] < width / 3, path
        else:
            assert heading["x"] + heading["width"] > width * 2 / 3, path
            assert source["x"] + source["width"] > width * 2 / 3, path


def test_a_guide_is_read_with_the_keyboard(demo_page):
    demo_page.goto("/en/invest-in/pakistan")
    contents = demo_page.locator("nav.contents a").first
    contents.focus()
    demo_page.keyboard.press("Enter")
    assert demo_page.url.endswith("#company")
    assert demo_page.locator("#company").is_visible()
    # the next Tab stops on a link inside the section it jumped to, not back at the top
    demo_page.keyboard.press("Tab")
    inside = demo_page.evaluate(
        "document.activeElement.closest('section') && document.activeElement.closest('section').querySelector('h2').id"
    )
    assert inside == "company"


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_comparison_scrolls_within_its_table_on_a_phone_and_reads_from_the_start(browser, demo_site, lang):
    context = browser.new_context(base_url=demo_site.base_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"/{lang}/zones")
    for slug in ("rashakai", "naryn-fez", "bishkek-fez"):
        page.locator(f"#compare-{slug}").check()
    page.locator(".compare-form button[type=submit]").click()
    assert f"/{lang}/compare?zones=" in page.url  # the ticked zones, in the address
    assert page.locator("table.compare thead th").count() == 3
    region = page.locator(".compare-wrap")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls, not the page
    region.focus()
    page.keyboard.press("ArrowRight" if lang == "en" else "ArrowLeft")
    # the keyboard scrolls it (smoothly, so wait for it to move)
    for _ in range(30):
        if region.evaluate("el => Math.abs(el.scrollLeft) > 0"):
            break
        page.wait_for_timeout(100)
    assert region.evaluate("el => Math.abs(el.scrollLeft) > 0")
    label = page.locator("table.compare tbody th").first.bounding_box()
    if lang == "ur":
        assert label["x"] + label["width"] > 360 * 2 / 3  # the facts' names are at the right
    else:
        assert label["x"] < 360 / 3
    context.close()
