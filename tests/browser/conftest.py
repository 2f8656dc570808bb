"""A real server on loopback and the system's Chromium, driven by Playwright.

Without Chromium these tests skip with a reason; under CI that fails the run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import free_port, migrate_to_head, skip_or_fail, temporary_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_database(tmp_path_factory):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "portal.sqlite3")
    migrate_to_head(url)
    return url


@contextlib.contextmanager
def served(app):
    """``app`` answering on loopback from a real HTTP server while the block runs; its address in ``base_url``."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(PORTAL_URL=app.base_url, TRUSTED_HOSTS=["127.0.0.1"])
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live_app(browser_database):
    """The portal served by a real HTTP server on loopback, for the length of one test."""
    with temporary_app(browser_database, SERVER_NAME=None, MAIL_BACKEND="locmem") as app, served(app):
        yield app


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The portal with the demo catalogue and the sample enquiries, served for the whole session.

    Loading the demo takes seconds, so the tests that only look at pages share this one.
    A test may add what it needs (a staff user of its own, say) but changes nothing others read.
    """
    from portal.catalogue import demo
    from portal.enquiries import samples
    from tests.conftest import database

    url = "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "portal.sqlite3")
    migrate_to_head(url)
    with temporary_app(url, SERVER_NAME=None, MAIL_BACKEND="locmem") as app:
        with database(app):
            demo.load()
            samples.load()  # so that the response-times page has its charts and tables
        with served(app):
            yield app


@pytest.fixture
def page(browser, live_app):
    context = browser.new_context(base_url=live_app.base_url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Anything the Content-Security-Policy blocked (an inline style or script, say) fails the test.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not blocked, blocked
