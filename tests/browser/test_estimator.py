"""The incentive estimator in Chromium: filled in with the keyboard alone, read right to left, on a phone."""

from __future__ import annotations

import pytest


def _new_page(browser, site, width: int = 1280):
    context = browser.new_context(base_url=site.base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_the_keyboard_alone_fills_in_the_form_and_reads_the_result(browser, demo_site):
    page = _new_page(browser, demo_site)
    page.goto("/en/zones/rashakai")
    link = page.get_by_role("link", name="Estimate what these incentives are worth to your project")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/incentives?zone=rashakai")
    figures = {
        "investment": "10000000",
        "imported_share": "40",
        "annual_profit": "2000000",
        "export_share": "50",
        "jobs": "200",
    }
    page.locator("#zone").focus()
    for name, value in figures.items():
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == name
        page.keyboard.type(value)
    page.keyboard.press("Enter")  # submits the form, as a browser does in a text field
    page.wait_for_url("**annual_profit=2000000**")
    total = page.locator(".total-worth").inner_text()
    assert "$" in total
    # each figure leads to its rule, with the rule's sources and date
    page.locator("table.estimate tbody th a").first.focus()
    page.keyboard.press("Enter")
    target = page.evaluate("location.hash")
    assert target.startswith("#rule-")
    assert page.locator(f"{target} .backing .as-of").first.is_visible()
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_on_a_phone_the_ten_years_scroll_within_the_table_and_rules_read_from_the_start(browser, demo_site, lang):
    page = _new_page(browser, demo_site, width=360)
    page.goto(
        f"/{lang}/incentives?zone=high-technology-park&investment=1000000&imported_share=10"
        "&annual_profit=300000&export_share=80&jobs=50&annual_pay=12000&start_year=2027"
    )
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    region = page.locator(".estimate-wrap")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    header = page.locator("table.estimate tbody th").first.bounding_box()
    if lang == "ur":
        assert header["x"] + header["width"] > 360 * 2 / 3  # the rules' names are at the right
    else:
        assert header["x"] < 360 / 3
    page.context.close()
