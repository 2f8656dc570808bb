"""The whole catalogue as CSV, JSON and JSON Lines, written as it is read."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from portal.catalogue import demo
from portal.catalogue.models import Opportunity
from tests.conftest import database

FILES = "/api/v1/downloads/opportunities"


@pytest.fixture
def app_config() -> dict:
    # a few listings a batch, so that 43 take several
    return {"DOWNLOAD_BATCH": 5}


@pytest.fixture
def catalogue(app):
    with database(app):
        demo.load()
    return app


def test_csv_has_every_published_listing_with_numbers_and_each_languages_texts(client, catalogue):
    response = client.get(f"{FILES}.csv")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert 'filename="opportunities.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 43 and len({row["id"] for row in rows}) == 43
    denim = next(row for row in rows if row["slug"] == "faisalabad-denim-finishing-plant")
    assert (denim["min_usd"], denim["max_usd"], denim["currency"]) == ("8000000", "25000000", "USD")
    assert denim["title_en"] and denim["title_ur"] and denim["title_ru"] and denim["title_ky"]
    russian = list(csv.DictReader(io.StringIO(client.get(f"{FILES}.csv?lang=ru").get_data(as_text=True))))
    assert "title_ru" in russian[0] and "title_en" not in russian[0]


def test_json_and_json_lines_hold_what_the_api_says(client, catalogue):
    whole = json.loads(client.get(f"{FILES}.json").get_data(as_text=True))
    lines = [json.loads(line) for line in client.get(f"{FILES}.jsonl").get_data(as_text=True).splitlines()]
    assert whole == lines and len(whole) == 43
    one = client.get("/api/v1/opportunities/faisalabad-denim-finishing-plant").get_json()
    assert next(item for item in whole if item["slug"] == one["slug"]) == one


def test_only_published_listings_and_a_new_etag_after_a_change(app, client, catalogue):
    first = client.get(f"{FILES}.jsonl")
    etag = first.headers["ETag"]
    first.close()
    assert client.get(f"{FILES}.jsonl", headers={"If-None-Match": etag}).status_code == 304
    with database(app) as session:
        session.scalar(
            select(Opportunity).where(Opportunity.slug == "faisalabad-denim-finishing-plant")
        ).state = "archived"
    after = client.get(f"{FILES}.jsonl", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    slugs = [json.loads(line)["slug"] for line in after.get_data(as_text=True).splitlines()]
    assert len(slugs) == 42 and "faisalabad-denim-finishing-plant" not in slugs


def test_a_bad_language_is_a_json_400(client, catalogue):
    response = client.get(f"{FILES}.csv?lang=fr")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "lang"
