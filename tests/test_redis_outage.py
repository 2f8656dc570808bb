"""Rate limits with their counters in a real Redis, and what happens when Redis stops."""

from __future__ import annotations

import logging
import shutil
import subprocess
import time

import pytest

from portal.core.config import _storage_options
from tests.conftest import database, free_port, skip_or_fail, temporary_app
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_agency
from tests.staff.accounts import create_user, sign_in

PASSWORD = "a long and correct password"


class RedisServer:
    def __init__(self):
        self.program = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
        if not self.program:
            skip_or_fail("redis-server is not installed (Debian package redis-server)")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.program, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def counters(self) -> list[str]:
        import redis

        return [key.decode() for key in redis.Redis(port=self.port).keys("*")]


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


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
        assert any("enquiries.enquire" in key for key in redis_server.counters())

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
        assert any("login" in key for key in redis_server.counters())

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="portal"):
            answers = [sign_in(client, "officer@example.org", "wrong guess").status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]
    assert "rate-limit storage unreachable" in caplog.text
