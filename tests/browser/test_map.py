"""The zone map in Chromium: markers reached and followed with the keyboard, a phone's width, axe, Urdu."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: as tests/browser/test_accessibility.py: WCAG 2.0–2.2 A and AA, best practices, and 7:1 contrast for text
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RULES = ["color-contrast-enhanced"]
FOCUS_YELLOW = "rgb(255, 191, 71)"


@pytest.fixture
def demo_app(demo_site):
    return demo_site


def new_page(browser, app, width: int = 1280, **options):
    context = browser.new_context(base_url=app.base_url, viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def tab_to_marker(page, limit: int = 150) -> str:
    """Press Tab until a marker of the map has the focus; its link."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.closest('svg a.map-marker')?.getAttribute('href') ?? null")
        if href:
            return href
    raise AssertionError("Tab never reached a marker of the map")


def test_tab_reaches_a_marker_with_a_visible_focus_and_enter_follows_it(browser, demo_app):
    page = new_page(browser, demo_app)
    page.goto("/en/zones")
    href = tab_to_marker(page)
    assert href == "/en/zones/allama-iqbal-industrial-city"  # the first in the list, numbered 1
    state = page.evaluate("""() => {
        const marker = document.activeElement;
        return {
            focusVisible: marker.matches(':focus-visible'),
            ring: getComputedStyle(marker.querySelector('.map-focus')).fill,
            label: marker.getAttribute('aria-label'),
        };
    }""")
    assert state["focusVisible"] and state["ring"] == FOCUS_YELLOW
    assert state["label"].startswith("Allama Iqbal Industrial City, Pakistan")
    # the ring shows on the screen, not only in the style sheet
    box = page.locator("svg a.map-marker").first.bounding_box()
    clip = {"x": box["x"] - 8, "y": box["y"] - 8, "width": box["width"] + 16, "height": box["height"] + 16}
    focused = page.screenshot(clip=clip)
    page.evaluate("document.activeElement.blur()")
    assert page.screenshot(clip=clip) != focused
    page.locator("svg a.map-marker").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/zones/allama-iqbal-industrial-city")
    assert page.locator("h1").inner_text() == "Allama Iqbal Industrial City"
    page.context.close()


def test_the_list_alternative_adds_no_tab_stops_until_opened(browser, demo_app):
    page = new_page(browser, demo_app)
    page.goto("/en/zones")
    markers = page.locator("svg a.map-marker").count()
    assert markers == page.locator(".map-list li a").count() >= 10
    tab_to_marker(page)
    for _ in range(markers - 1):
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the last marker: the list's summary, not its links
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.map-list li') !== null")
    page.context.close()


@pytest.mark.parametrize(
    "path", ["/en/zones", "/ur/zones", "/ru/zones/naryn-fez", "/ky/opportunities", "/ur/opportunities"]
)
def test_map_fits_a_phone_without_sideways_scrolling(browser, demo_app, path):
    page = new_page(browser, demo_app, width=360)
    page.goto(path)
    page.locator(".map summary").click()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    box = page.locator(".map-drawing").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["width"] > 300  # the whole width there is, not a thumbnail
    page.context.close()


@pytest.mark.parametrize("path", ["/en/zones", "/ur/zones/bishkek-fez", "/ru/opportunities", "/ky/zones"])
def test_axe_finds_nothing_on_the_map(browser, demo_app, path):
    if not AXE.exists():
        skip_or_fail("axe-core is not installed (npm ci)")
    page = new_page(browser, demo_app, bypass_csp=True)
    page.goto(path)
    page.locator(".map summary").click()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """([tags, rules]) => axe.run({include: [['.map']]}, {
            runOnly: {type: 'tag', values: tags}, rules: Object.fromEntries(rules.map(r => [r, {enabled: true}]))
        })""",
        [TAGS, RULES],
    )
    assert result["passes"], "axe checked nothing: is the map there?"
    ran = {rule["id"] for key in ("passes", "violations", "incomplete") for rule in result[key]}
    assert {"link-name", "list"} <= ran
    if not path.startswith("/ur/"):  # axe takes joined Arabic-script text for icon ligatures and skips it
        assert "color-contrast-enhanced" in ran
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == []
    page.context.close()


def test_urdu_reads_right_to_left_around_a_map_that_is_not_mirrored(browser, demo_app):
    places = {}
    for lang in ("en", "ur"):
        page = new_page(browser, demo_app)
        page.goto(f"/{lang}/zones")
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ur" else "ltr")
        page.locator(".map summary").click()
        item, link = page.locator(".map-list li").first, page.locator(".map-list li a").first
        item_box, link_box = item.bounding_box(), link.bounding_box()
        if lang == "ur":  # the list starts at the right
            assert abs((item_box["x"] + item_box["width"]) - (link_box["x"] + link_box["width"])) < 2
            assert page.evaluate("getComputedStyle(document.querySelector('.map-list ol')).direction") == "rtl"
        else:
            assert abs(item_box["x"] - link_box["x"]) < 2
        # west is left and east right in both: Leilek (Batken) lies west of Karakol (Issyk-Kul)
        west = page.locator('svg a[href$="/zones/leilek-fez"]').bounding_box()
        east = page.locator('svg a[href$="/zones/karakol-fez"]').bounding_box()
        assert west["x"] < east["x"]
        drawing = page.locator(".map-drawing").bounding_box()["x"]
        places[lang] = (west["x"] - drawing, east["x"] - drawing)
        page.context.close()
    assert places["en"] == pytest.approx(places["ur"], abs=1)
