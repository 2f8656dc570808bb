"""Following a search in Chromium: from the list to "check your e-mail" by keyboard alone, in Urdu on a phone."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("lang, width", [("en", 1280), ("ur", 360)])
def test_follow_a_search_with_the_keyboard(browser, demo_site, lang, width):
    context = browser.new_context(base_url=demo_site.base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/{lang}/opportunities?sector=textiles&country=pk")
    page.locator("p.follow a").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/alerts/new?sector=textiles&country=pk")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.locator("#email").focus()
    page.keyboard.type(f"keyboard-{lang}@example.org")
    page.keyboard.press("Tab")  # to the chosen frequency, "once a week"
    page.keyboard.press("ArrowUp")  # to "once a day"
    assert page.evaluate("document.activeElement.value") == "daily"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "consent"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/alerts/sent")
    assert page.locator("h1").is_visible()
    if lang == "ur":
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        heading = page.locator("h1").bounding_box()
        assert heading["x"] + heading["width"] > width * 2 / 3  # starts at the right
    context.close()
