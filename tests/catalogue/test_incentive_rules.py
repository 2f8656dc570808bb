"""Incentive rules kept by curators: written with their sources, approved by a second person, then estimated with."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.catalogue.models import IncentiveRule, Zone
from portal.core.extensions import db
from tests.conftest import database
from tests.factories import make_rule, make_source, make_zone
from tests.staff.accounts import csrf_from


@pytest.fixture
def places(app, staff):
    with database(app):
        rashakai = make_zone("rashakai", name="Rashakai Special Economic Zone")
        naryn = make_zone("naryn-fez", country="KG", name="Naryn Free Economic Zone")
        source = make_source("pwc-pk", title="Pakistan - Overview")
        db.session.commit()
        return {"rashakai": rashakai.id, "naryn": naryn.id, "source": source.id, "boi": rashakai.agency_id}


def _rule(places, **changes) -> dict:
    data = {
        "slug": "sez-income-tax",
        "agency": str(places["boi"]),
        "zone_ids": [str(places["rashakai"])],
        "basis": "profit",
        "general_rate": "29",
        "rule_rate": "0",
        "first_year": "1",
        "last_year": "5",
        "ends_on": "2035-07-01",
        "citations-0-topic": "rule",
        "citations-0-source": str(places["source"]),
        "citations-0-as_of": "2024-12-18",
        "text_en-name": "Income tax exemption for zone enterprises",
        "text_en-general": "Corporate income tax",
        "text_en-note": "Five years for enterprises starting now.",
        "text_ru-name": "Освобождение от налога на прибыль",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_rule_waits_for_review_then_the_estimator_reckons_with_it(app, signed_in, client, places):
    writer = signed_in("curator_boi")
    token = csrf_from(writer.get("/admin/incentive-rules/new").get_data(as_text=True))
    saved = writer.post("/admin/incentive-rules/new", data={"csrf_token": token, **_rule(places)})
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    assert 'id="rule-sez-income-tax"' not in client.get("/en/incentives?zone=rashakai").get_data(as_text=True)
    reviewer = signed_in("admin")
    page = reviewer.get(saved.headers["Location"]).get_data(as_text=True)
    # the reviewer reads the facts as facts: zones by name, rates as percentages, the basis in words
    assert "Rashakai Special Economic Zone" in page and "29%" in page
    assert "Annual profit" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    reviewer.post(saved.headers["Location"] + "/approve", data={"csrf_token": csrf_from(page), "version": version})
    figures = "investment=1000000&imported_share=0&annual_profit=100000&export_share=0&jobs=0&start_year=2027"
    estimate = client.get(f"/ru/incentives?zone=rashakai&{figures}").get_data(as_text=True)
    assert "Освобождение от налога на прибыль" in estimate and "29\xa0000\xa0$" in estimate
    with database(app):
        rule = db.session.scalar(select(IncentiveRule))
        assert (rule.general_rate, rule.rule_rate, rule.last_year, str(rule.ends_on)) == (29, 0, 5, "2035-07-01")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"rule_rate": "35"}, "rule_rate"),  # above the general rate: no incentive
        ({"last_year": "0"}, "last_year"),
        ({"first_year": "6", "last_year": "3"}, "last_year"),
        ({"general_rate": None}, "general_rate"),
        ({"general_rate": "lots"}, "general_rate"),
        ({"basis": "turnover"}, "basis"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_and_nothing_is_saved(app, signed_in, places, changes, field):
    writer = signed_in("curator_boi")
    token = csrf_from(writer.get("/admin/incentive-rules/new").get_data(as_text=True))
    response = writer.post("/admin/incentive-rules/new", data={"csrf_token": token, **_rule(places, **changes)})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    with database(app):
        assert db.session.scalar(select(IncentiveRule)) is None


def test_a_rule_applies_in_its_agencys_country_only(app, signed_in, places):
    writer = signed_in("curator_boi")
    token = csrf_from(writer.get("/admin/incentive-rules/new").get_data(as_text=True))
    data = _rule(places, zone_ids=[str(places["rashakai"]), str(places["naryn"])])
    response = writer.post("/admin/incentive-rules/new", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert "These zones are not all in the responsible agency" in response.get_data(as_text=True)


def test_curators_see_their_own_agencys_rules_only(app, signed_in, places):
    with database(app):
        rule = make_rule("fez-profit-tax", (db.session.get(Zone, places["naryn"]),))
        db.session.commit()
        rule_id = rule.id
    assert "fez-profit-tax" not in signed_in("curator_boi").get("/admin/incentive-rules").get_data(as_text=True)
    assert signed_in("curator_boi").get(f"/admin/incentive-rules/{rule_id}").status_code == 404
    assert signed_in("curator_nia").get(f"/admin/incentive-rules/{rule_id}").status_code == 200
    assert signed_in("officer_nia").get("/admin/incentive-rules").status_code == 403
