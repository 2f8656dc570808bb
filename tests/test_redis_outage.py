"""Rate limits with their counters in a real Redis, and what happens when Redis stops."""

from __future__ import annotations

import logging

from portal.core.config import _storage_options
from tests.conftest import RedisServer, database, temporary_app
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_agency
from tests.staff.accounts import create_user, sign_in

PASSWORD = "a long and correct password"


def counters(server: RedisServer) -> list[str]:
    return [key.decode() for key in server.client().keys("*")]


def limited_app(database_url, redis_server, **config):
    return temporary_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_server.url,
        RATELIMIT_STORAGE_OPTIONS=_storage_options(redis_server.url),
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        **config,
    )


def test_enquiries_are_counted_in_redis_and_in_memory_while_it_is_down(database_url, redis_server, caplog):
    with limited_app(database_url, redis_server, ENQUIRY_RATE_LIMIT="3 per minute") as app:
        with database(app):
            make_agency("BOI", "PK")
        client = app.test_client()
        assert send_enquiry(client).status_code == 303
        assert any("enquiries.enquire" in key for key in counters(redis_server))

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="flask-limiter"):
            answers = [send_enquiry(client).status_code for _ in range(5)]
    # The enquiries go on; this process counts them itself, from zero, and still stops the fourth.
    assert answers == [303, 303, 303, 429, 429]
    assert "falling back to in-memory storage" in caplog.text


def test_sign_in_attempts_are_throttled_in_memory_while_redis_is_down(database_url, redis_server, caplog):
    with limited_app(database_url, redis_server, LOGIN_ACCOUNT_LIMIT="3 per 15 minutes") as app:
        with database(app):
            make_agency("BOI", "PK")
            create_user("officer@example.org", "officer", "BOI", PASSWORD)
        client = app.test_client()
        assert sign_in(client, "officer@example.org", "wrong guess").status_code == 400
        assert any("login" in key for key in counters(redis_server))

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="portal"):
            answers = [sign_in(client, "officer@example.org", "wrong guess").status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]
    assert "rate-limit storage unreachable" in caplog.text
