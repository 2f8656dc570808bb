"""``flask --app portal check``: every production misconfiguration on a line of its own, and the exit status."""

from __future__ import annotations

import pytest

from tests.conftest import database, migrate_to_head, temporary_app
from tests.factories import make_agency
from tests.test_hardening import STRONG_KEY, _flask

PRODUCTION = {
    "SECRET_KEY": STRONG_KEY,
    "MAIL_BACKEND": "smtp",
    "SESSION_COOKIE_SECURE": True,
    "PORTAL_URL": "https://invest.example.org",
    "STAFF_TWO_FACTOR": "required",
    "RATELIMIT_STORAGE_URI": "memory://",
    "WEB_CONCURRENCY": 1,
}


@pytest.fixture
def production(postgres_database):
    with temporary_app(postgres_database, **PRODUCTION) as app:
        with database(app):
            make_agency("BOI", "PK")
            make_agency("NIA", "KG")
        yield app


def test_a_production_configuration_passes(production):
    result = production.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: no problems found."


@pytest.mark.parametrize(
    "setting, value, line",
    [
        ("SECRET_KEY", "dev-only-change-me", "SECRET_KEY is the public default"),
        ("SECRET_KEY", "short", "SECRET_KEY is shorter than 32 bytes"),
        ("MAIL_BACKEND", "console", "MAIL_BACKEND is 'console'"),
        ("SESSION_COOKIE_SECURE", False, "SESSION_COOKIE_SECURE is off"),
        ("PORTAL_URL", "http://invest.example.org", "is not an https:// address"),
        ("WEB_CONCURRENCY", 4, "RATELIMIT_STORAGE_URI is memory:// with 4 workers"),
        ("STAFF_TWO_FACTOR", "optional", "STAFF_TWO_FACTOR is 'optional'"),
    ],
)
def test_each_misconfiguration_is_one_failing_line(production, setting, value, line):
    production.config[setting] = value
    result = production.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    failing = [text for text in result.output.splitlines() if text.startswith("FAIL ")]
    assert len(failing) == 1 and line in failing[0], result.output


def test_sqlite_and_agencies_without_an_address_are_reported(tmp_path):
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    migrate_to_head(url)
    with temporary_app(url, **PRODUCTION) as app:
        with database(app):
            make_agency("BOI", "PK").enquiry_email = ""
        output = app.test_cli_runner().invoke(args=["check"]).output
    assert "FAIL DATABASE_URL points to SQLite" in output
    assert "FAIL Agency BOI has no address to receive enquiries" in output


def test_forwarded_headers_without_proxy_hops_are_reported(postgres_database):
    """Seen by the app and told by `check` through the rate limiter's storage (Redis, shared, in production)."""
    with temporary_app(postgres_database, **PRODUCTION, RATELIMIT_ENABLED=True) as app:
        with database(app):
            make_agency("BOI", "PK")
        client = app.test_client()
        assert client.get("/healthz", base_url="https://invest.example.org").status_code == 200
        assert app.test_cli_runner().invoke(args=["check"]).exit_code == 0
        client.get("/healthz", base_url="https://invest.example.org", headers={"X-Forwarded-For": "203.0.113.9"})
        output = app.test_cli_runner().invoke(args=["check"]).output
    assert "FAIL PROXY_HOPS is 0 but requests arrive with X-Forwarded-For" in output


def test_check_runs_with_a_missing_key_to_report_it(tmp_path):
    """The app refuses to start without SECRET_KEY, except to let `check` say so."""
    result = _flask(["check"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode == 1
    assert "FAIL SECRET_KEY is not set" in result.stdout


def test_a_rate_limit_storage_that_does_not_answer_is_reported(production):
    from tests.conftest import free_port

    # Nothing listens on that port: Redis is down.
    with temporary_app(
        production.config["SQLALCHEMY_DATABASE_URI"],
        **PRODUCTION | {"RATELIMIT_STORAGE_URI": f"redis://:secret@127.0.0.1:{free_port()}/0"},
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
    ) as app:
        result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    failing = [text for text in result.output.splitlines() if text.startswith("FAIL ")]
    assert len(failing) == 1 and "does not answer: start Redis" in failing[0], result.output
    assert "secret" not in result.output


def test_a_database_behind_the_code_is_reported(production):
    from sqlalchemy import text

    with database(production) as session:
        current = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        session.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    try:
        result = production.test_cli_runner().invoke(args=["check"])
    finally:
        with database(production) as session:
            session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert result.exit_code == 1
    assert "FAIL The database is at revision 0008" in result.output and "run `db upgrade`" in result.output


def test_sample_enquiries_are_reported(production):
    from portal.enquiries import samples

    with database(production):
        assert samples.load() > 0
    result = production.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    failing = [text for text in result.output.splitlines() if text.startswith("FAIL ")]
    assert len(failing) == 1 and "Sample enquiries are in the database" in failing[0], result.output
