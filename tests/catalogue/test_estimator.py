"""The incentive estimator's page: a zone's rules applied to the investor's figures, with their sources."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.core.extensions import db
from tests.conftest import database
from tests.factories import cite, make_opportunity, make_rule, make_source, make_zone

FIGURES = "investment=10000000&imported_share=40&annual_profit=2000000&export_share=50&jobs=200&annual_pay=3000"


@pytest.fixture
def zones(app):
    with database(app):
        rashakai = make_zone("rashakai", name="Rashakai Special Economic Zone")
        htp = make_zone("high-technology-park", country="KG", name="High Technology Park")
        make_zone("at-bashi", country="KG", name="At-Bashi Logistics Centre", status="planned")
        law = make_source("sez-act", title="Special Economic Zones Act", published_on=date(2012, 7, 14))
        make_rule(
            "sez-income-tax",
            (rashakai,),
            last_year=5,
            ends_on=date(2035, 7, 1),
            citations=[cite(law, "rule", "2025-08-04")],
            texts={
                "en": {"name": "Income tax exemption", "general": "Corporate income tax", "note": "Confirm first."},
                "ru": {"name": "Освобождение от налога на прибыль", "general": "Налог на прибыль", "note": "Уточните."},
            },
        )
        make_rule("sez-capital-goods", (rashakai,), basis="imported_equipment", general_rate=18, last_year=1)
        make_rule("htp-pay", (htp,), basis="payroll", general_rate=10, rule_rate=5)
        sector = make_opportunity("denim-mill", zone=rashakai, min_usd=8_000_000).sector
        make_opportunity("bishkek-office", country="KG", sector=sector)
        db.session.commit()


def _table(page: str) -> dict[str, list[str]]:
    """{row header: [cells]} of the estimate's table."""
    table = page[page.index('<table class="estimate"') : page.index("</table>")]
    rows = {}
    for header, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        rows[re.sub(r"<[^>]+>", "", header).strip()] = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
    return rows


def test_each_rule_year_by_year_against_the_general_regime(client, zones):
    page = client.get(f"/en/incentives?zone=rashakai&{FIGURES}&start_year=2031").get_data(as_text=True)
    rows = _table(page)
    assert rows["Income tax exemption"] == ["$580,000"] * 4 + ["$287,616"] + ["$0"] * 5 + ["$2,607,616"]
    assert rows["Sez capital goods"][0] == "$720,000"
    assert rows["All rules"][-1] == "$3,327,616"
    assert "In total over ten years: $3,327,616" in page
    # the rules behind the figures: rates, years, the end, the note and the source with its date
    rule = page[page.index('id="rule-sez-income-tax"') :]
    assert "Corporate income tax: 29%" in rule and "Years 1 to 5" in rule
    assert "No longer applies from July 1, 2035" in rule
    assert "Special Economic Zones Act" in rule and "As of August 4, 2025" in rule
    assert "An estimate, not advice." in page


def test_the_page_speaks_the_investors_language(client, zones):
    page = client.get(f"/ru/incentives?zone=rashakai&{FIGURES}&start_year=2027").get_data(as_text=True)
    rows = _table(page)
    assert rows["Освобождение от налога на прибыль"][0] == "580\xa0000\xa0$"
    assert "29\xa0%" in page
    urdu = client.get(f"/ur/incentives?zone=rashakai&{FIGURES}&start_year=2027").get_data(as_text=True)
    assert 'dir="rtl"' in urdu
    assert 'lang="en"' in urdu  # the rule has no Urdu text yet: its English name says so


def test_a_zone_alone_shows_the_form_and_its_rules_but_no_figures(client, zones):
    response = client.get("/en/incentives?zone=rashakai")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<table class="estimate"' not in page
    assert 'id="rule-sez-income-tax"' in page
    assert "Please give" not in page  # no errors before the investor has entered anything
    assert re.search(r'name="start_year"[^>]*value="\d{4}"', page)  # this year, to start from


def test_wrong_figures_get_a_localized_answer_and_no_estimate(client, zones):
    response = client.get(
        "/ru/incentives?zone=rashakai&investment=-5&imported_share=140&annual_profit=lots&export_share=0&jobs=1&start_year=2027"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<table class="estimate"' not in page
    assert 'class="error-summary"' in page
    assert "Please give" not in page  # the messages are in Russian
    assert 'href="#imported_share"' in page and 'href="#annual_profit"' in page


def test_an_unknown_zone_is_not_found_and_one_without_rules_says_so(client, zones):
    assert client.get("/en/incentives?zone=atlantis").status_code == 404
    assert client.get("/en/incentives?zone=NOT%20A%20SLUG").status_code == 404
    page = client.get(f"/en/incentives?zone=at-bashi&{FIGURES}&start_year=2027").get_data(as_text=True)
    assert "No incentive rules are recorded for At-Bashi Logistics Centre yet." in page
    assert '<table class="estimate"' not in page


def test_a_listing_in_a_zone_with_rules_opens_the_estimator_with_its_zone_and_size(client, zones):
    listing = client.get("/en/opportunities/denim-mill").get_data(as_text=True)
    link = re.search(r'href="(/en/incentives\?[^"]+)"', listing).group(1).replace("&amp;", "&")
    assert "zone=rashakai" in link and "investment=8000000" in link
    page = client.get(link).get_data(as_text=True)
    assert re.search(r'name="investment"[^>]*value="8000000"', page)
    assert 'name="opportunity" type="hidden" value="denim-mill"' in page or 'value="denim-mill"' in page
    # a listing outside any zone with rules does not offer it
    assert "/incentives?" not in client.get("/en/opportunities/bishkek-office").get_data(as_text=True)


def test_the_zone_page_links_to_its_estimator(client, zones):
    assert 'href="/en/incentives?zone=rashakai"' in client.get("/en/zones/rashakai").get_data(as_text=True)
    assert "/incentives?" not in client.get("/en/zones/at-bashi").get_data(as_text=True)


def test_the_zone_choice_lists_only_zones_with_rules(client, zones):
    page = client.get("/en/incentives").get_data(as_text=True)
    choices = re.findall(r'<option value="([^"]+)"', page[page.index('name="zone"') :])
    assert sorted(choices) == ["high-technology-park", "rashakai"]
