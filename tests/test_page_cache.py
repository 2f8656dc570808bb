"""Public pages are kept for visitors without a session, and never outlive a change to what they show."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from tests.conftest import database, temporary_app
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_opportunity, make_sector

LIST = "/en/opportunities"


@pytest.fixture
def listing(app):
    with database(app):
        make_opportunity(
            "denim-mill",
            sector=make_sector("textiles", {"en": "Textiles"}),
            texts={"en": {"title": "Denim finishing plant", "summary": "Denim.", "body": "Washing."}},
        )


def retitle(app, title: str) -> None:
    with database(app):
        db.session.scalar(select(Opportunity).where(Opportunity.slug == "denim-mill")).texts["en"].title = title


@pytest.mark.parametrize(
    "path", [LIST, "/en/", "/en/opportunities/denim-mill", "/en/sectors/textiles", "/ru/opportunities?q=denim"]
)
def test_a_page_is_kept_and_answered_with_its_etag(client, listing, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["X-Page-Cache"] == "miss"
    second = client.get(path)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["Cache-Control"] == "no-cache"
    unchanged = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.get_data()
    assert client.head(path).status_code == 200


def test_the_url_and_language_are_the_key(client, listing):
    english = client.get(LIST).get_data(as_text=True)
    russian = client.get("/ru/opportunities").get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="ru"' in russian
    assert client.get(LIST + "?country=kg").headers["X-Page-Cache"] == "miss"
    assert "0 opportunities found" in client.get(LIST + "?country=kg").get_data(as_text=True)


def test_a_change_to_public_content_is_seen_at_once(app, client, listing):
    for path in (LIST, "/en/opportunities/denim-mill", "/en/sectors/textiles"):
        client.get(path)
        assert client.get(path).headers["X-Page-Cache"] == "hit"
    retitle(app, "Indigo dyeing works")
    for path in (LIST, "/en/opportunities/denim-mill", "/en/sectors/textiles"):
        page = client.get(path)
        assert page.headers["X-Page-Cache"] == "miss", path
        assert "Indigo dyeing works" in page.get_data(as_text=True), path
    assert "Indigo dyeing works" in client.get(LIST + "?q=indigo").get_data(as_text=True)


def test_a_change_made_by_another_process_is_seen_too(database_url, listing, app):
    # Two apps on one database stand for two workers, each with its own SimpleCache.
    with temporary_app(database_url) as other:
        client = app.test_client()
        client.get(LIST)
        assert client.get(LIST).headers["X-Page-Cache"] == "hit"
        retitle(other, "Indigo dyeing works")
        assert "Indigo dyeing works" in client.get(LIST).get_data(as_text=True)


def test_staff_and_visitors_with_a_session_are_never_served_from_or_into_the_cache(app, client, listing, signed_in):
    curator = signed_in("curator_boi")
    for _ in range(2):
        page = curator.get(LIST)
        assert page.status_code == 200 and "X-Page-Cache" not in page.headers
    assert client.get(LIST).headers["X-Page-Cache"] == "miss"  # nothing was stored for the curator

    visitor = app.test_client()
    assert send_enquiry(visitor).status_code == 303  # the visitor now has a session: their confirmation
    assert "X-Page-Cache" not in visitor.get(LIST).headers


def test_errors_and_posts_are_not_kept(client, listing):
    for _ in range(2):
        missing = client.get("/en/opportunities/no-such-thing")
        assert missing.status_code == 404 and "X-Page-Cache" not in missing.headers
    assert "X-Page-Cache" not in client.get("/en/enquire").headers  # a form: never kept


def test_pages_kept_in_redis_are_shared_and_redis_going_away_costs_nothing(database_url, redis_server, caplog):
    settings = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": redis_server.url,
        "CACHE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with temporary_app(database_url, **settings) as first, temporary_app(database_url, **settings) as second:
        with database(first):
            make_opportunity("denim-mill")
        assert first.test_client().get(LIST).headers["X-Page-Cache"] == "miss"
        assert second.test_client().get(LIST).headers["X-Page-Cache"] == "hit"  # another instance kept it
        assert any(key.startswith(b"portal:page:") for key in redis_server.client().keys("*"))

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="portal.core.pagecache"):
            page = first.test_client().get(LIST)
        assert page.status_code == 200 and "denim-mill" in page.get_data(as_text=True)
        assert "page cache unavailable" in caplog.text
