"""The read-only API: what a program gets, errors it can act on, and schemathesis against the OpenAPI document."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from sqlalchemy import select

from portal.catalogue import demo
from portal.catalogue.models import Opportunity
from tests.conftest import database, temporary_app

API = "/api/v1"


@pytest.fixture
def app_config() -> dict:
    # schemathesis's WSGI client names the host "localhost"
    return {"SERVER_NAME": "localhost", "PORTAL_URL": "http://localhost"}


@pytest.fixture
def catalogue(app):
    with database(app):
        demo.load()
    return app


def test_the_list_filters_searches_and_pages_like_the_public_list(client, catalogue):
    everything = client.get(f"{API}/opportunities").get_json()
    assert everything["total"] == 43 and everything["pages"] == 3 and len(everything["items"]) == 20
    assert everything["links"]["next"] == f"{API}/opportunities?page=2" and "prev" not in everything["links"]
    last = client.get(everything["links"]["next"].replace("page=2", "page=3")).get_json()
    assert len(last["items"]) == 3 and last["links"]["prev"] == f"{API}/opportunities?page=2"

    kyrgyz = client.get(f"{API}/opportunities?country=kg&sector=textiles&per_page=100").get_json()
    assert kyrgyz["total"] == len(kyrgyz["items"]) > 0
    assert {item["country"] for item in kyrgyz["items"]} == {"KG"}
    assert {item["sector"] for item in kyrgyz["items"]} == {"textiles"}

    # the same words, filters and order as the public list
    for query in ({"q": "текстиль Киргизия"}, {"q": "hallal meat", "country": "kg"}, {"sort": "amount_desc"}):
        page = client.get("/en/opportunities", query_string=query).get_data(as_text=True)
        listed = list(dict.fromkeys(re.findall(r'href="/en/opportunities/([a-z0-9-]+)"', page)))
        found = client.get(f"{API}/opportunities", query_string={**query, "per_page": 12}).get_json()
        assert [item["slug"] for item in found["items"]] == listed, query


def test_amounts_are_numbers_with_their_currency_and_texts_come_in_every_language_or_one(client, catalogue):
    item = client.get(f"{API}/opportunities/faisalabad-denim-finishing-plant").get_json()
    assert item["investment"] == {"min": 8_000_000, "max": 25_000_000, "currency": "USD"}
    assert set(item["texts"]) == {"en", "ur", "ru", "ky"}
    assert item["pages"]["ur"] == "http://localhost/ur/opportunities/faisalabad-denim-finishing-plant"
    russian = client.get(f"{API}/opportunities/faisalabad-denim-finishing-plant?lang=ru").get_json()
    assert list(russian["texts"]) == ["ru"] and russian["texts"]["ru"]["fallback"] is False
    assert russian["texts"]["ru"]["title"] == item["texts"]["ru"]["title"] != item["texts"]["en"]["title"]
    assert item["sample"] is True  # the demo catalogue says it is a sample here too


def test_only_published_content_is_there(app, client, catalogue):
    with database(app) as session:
        session.scalar(
            select(Opportunity).where(Opportunity.slug == "faisalabad-denim-finishing-plant")
        ).state = "draft"
    assert client.get(f"{API}/opportunities/faisalabad-denim-finishing-plant").status_code == 404
    slugs = {i["slug"] for i in client.get(f"{API}/opportunities?per_page=100").get_json()["items"]}
    assert len(slugs) == 42 and "faisalabad-denim-finishing-plant" not in slugs


def test_zones_sectors_and_agencies(client, catalogue):
    zones = client.get(f"{API}/zones").get_json()["items"]
    assert len(zones) == 12
    rashakai = client.get(f"{API}/zones/rashakai?lang=ur").get_json()
    assert rashakai["country"] == "PK" and list(rashakai["texts"]) == ["ur"] and rashakai["location"]
    sectors = client.get(f"{API}/sectors").get_json()["items"]
    assert sum(s["opportunities"] for s in sectors) == 43
    agencies = client.get(f"{API}/agencies?lang=ky").get_json()["items"]
    assert [a["code"] for a in agencies] == ["BOI", "NIA"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("stage=bogus", "stage"),
        ("sector=no-such-sector", "sector"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
        ("min_usd=-5", "min_usd"),
        ("lang=de", "lang"),
        ("colour=red", "colour"),
        ("page=1&page=2", "page"),
    ],
)
def test_a_bad_parameter_is_a_json_400_that_names_it(client, catalogue, query, parameter):
    response = client.get(f"{API}/opportunities?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"]["parameter"] == parameter


def test_other_errors_are_json_too(client, catalogue):
    for path, status in [
        (f"{API}/opportunities/no-such-thing", 404),
        (f"{API}/nothing-here", 404),
        (f"{API}/opportunities?page=99", 404),
    ]:
        response = client.get(path)
        assert (response.status_code, response.mimetype) == (status, "application/json"), path
        assert response.get_json()["error"]["status"] == status
    posted = client.post(f"{API}/opportunities")
    assert (posted.status_code, posted.mimetype) == (405, "application/json")
    # and in the language asked for
    russian = client.get(f"{API}/opportunities/no-such-thing?lang=ru").get_json()
    assert (
        russian["error"]["message"] != client.get(f"{API}/opportunities/no-such-thing").get_json()["error"]["message"]
    )


def test_etags_and_304(client, catalogue):
    first = client.get(f"{API}/zones")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(f"{API}/zones", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_other_sites_may_read_it(client, catalogue):
    response = client.get(f"{API}/sectors", headers={"Origin": "https://chamber.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(f"{API}/sectors", headers={"Origin": "https://chamber.example"})
    assert preflight.status_code == 200 and "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_each_address_has_a_rate_limit_with_retry_after(database_url):
    with temporary_app(database_url, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute") as app:
        client = app.test_client()
        statuses = [client.get(f"{API}/agencies").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(f"{API}/agencies")
        assert limited.mimetype == "application/json" and int(limited.headers["Retry-After"]) > 0
        # another address is not held back
        other = client.get(f"{API}/agencies", environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200


def test_the_document_is_valid_openapi_3_1(client, catalogue):
    document = client.get(f"{API}/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


#: how many cases schemathesis generates for each operation and mode
EXAMPLES = 50


def run_cases(strategy, calls: list[int]) -> None:
    """Call the API with each case ``strategy`` makes, checking each answer against the document."""

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call_and_validate()
        assert response.status_code < 500
        calls.append(response.status_code)

    check()


def test_schemathesis_every_operation_conforms_and_never_fails(catalogue):
    """Schema-valid requests and invalid ones, for every operation: no 5xx, every answer as documented
    (status, content type, headers, schema), invalid ones refused, valid ones accepted."""
    import schemathesis
    from schemathesis.generation.modes import GenerationMode

    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", catalogue)
    counts = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if list(operation.iter_parameters()):  # nothing to get wrong without parameters
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            run_cases(operation.as_strategy(generation_mode=mode), counts.setdefault((operation.label, mode.value), []))
        # and the example the document gives for a slug, which random text would never hit
        slug = next((p for p in operation.path_parameters if p.name == "slug"), None)
        if slug is not None:
            case = operation.Case(path_parameters={"slug": slug.definition["example"]})
            counts[(operation.label, "positive")].append(case.call_and_validate().status_code)
    print({key: (len(calls), sorted(set(calls))) for key, calls in counts.items()})
    assert len({label for label, _ in counts}) == 15
    # every operation was answered at least once, not only refused; and refused what it should
    assert all(200 in calls for (_, mode), calls in counts.items() if mode == "positive")
    assert all(400 in calls for (_, mode), calls in counts.items() if mode == "negative")
