"""``flask --app portal check``: what is wrong for production, one line each, and a non-zero exit if anything is."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from portal.agencies.models import all_agencies
from portal.core import health, security
from portal.core.extensions import limiter_storage_answers, reset_session
from portal.enquiries import samples as sample_enquiries


def problems(app: Flask) -> Iterator[str]:
    """Each misconfiguration of ``app`` for production, in words an operator can act on."""
    config = app.config
    key_problem = security.secret_key_problem(config.get("SECRET_KEY"))
    if key_problem:
        yield f"{key_problem}: set a random value of at least {security.MIN_KEY_BYTES} bytes."
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        yield "DATABASE_URL points to SQLite: use PostgreSQL (postgresql+psycopg://...) in production."
    if config["MAIL_BACKEND"] != "smtp":
        yield f"MAIL_BACKEND is {config['MAIL_BACKEND']!r}: mail is not sent; use 'smtp'."
    if not config["SESSION_COOKIE_SECURE"]:
        yield "SESSION_COOKIE_SECURE is off: set it to true so that sessions travel over HTTPS only."
    if urlsplit(config["PORTAL_URL"]).scheme != "https":
        yield f"PORTAL_URL ({config['PORTAL_URL']}) is not an https:// address."
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://") and config["WEB_CONCURRENCY"] > 1:
        yield (
            f"RATELIMIT_STORAGE_URI is memory:// with {config['WEB_CONCURRENCY']} workers: each counts alone; "
            "use redis://."
        )
    if not _rate_limit_storage_answers(config):
        storage = _without_password(config["RATELIMIT_STORAGE_URI"])
        yield f"RATELIMIT_STORAGE_URI ({storage}) does not answer: start Redis."
    elif not config["PROXY_HOPS"] and security.forwarded_without_proxy_hops():
        yield "PROXY_HOPS is 0 but requests arrive with X-Forwarded-For: set it to the number of proxies in front."
    if config["STAFF_TWO_FACTOR"] != "required":
        yield "STAFF_TWO_FACTOR is 'optional': staff can sign in with a password alone; use 'required'."
    try:
        agencies = all_agencies()
    except SQLAlchemyError as error:
        reset_session()
        yield f"The database cannot be read ({type(error).__name__}): check DATABASE_URL and run `db upgrade`."
        return
    state = health.check()
    if state.database and not state.ready:
        yield (
            f"The database is at revision {state.revision or 'none'}, the code at {state.head}: "
            "run `db upgrade` (with the code the database was migrated by, if it is newer)."
        )
    if state.ready and sample_enquiries.exist():
        yield (
            "Sample enquiries are in the database (seed --sample-enquiries): "
            "the public response times are computed from them; remove them."
        )
    for agency in agencies:
        if not agency.enquiry_addresses:
            yield f"Agency {agency.code} has no address to receive enquiries: enquiries to it notify no one."


def _rate_limit_storage_answers(config: dict) -> bool:
    if not config["RATELIMIT_ENABLED"] or config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return True
    return limiter_storage_answers()


def _without_password(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()


@click.command("check")
@with_appcontext
def check() -> None:
    """Report misconfiguration for production, one line each; exit 1 if there is any."""
    found = list(problems(current_app._get_current_object()))  # type: ignore[attr-defined]
    for problem in found:
        click.echo(f"FAIL {problem}")
    if found:
        raise SystemExit(1)
    click.echo("OK: no problems found.")
