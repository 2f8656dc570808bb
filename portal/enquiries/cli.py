"""``flask --app portal enquiries ...``: retention from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.alerts import digest
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.retention import anonymise

enquiries = AppGroup("enquiries", help="Investor enquiries.")


@enquiries.command("purge")
@click.option(
    "--older-than",
    "closed_days",
    type=click.IntRange(min=1),
    help="Days since an enquiry was closed [default: RETENTION_CLOSED_DAYS].",
)
@click.option(
    "--any-older-than",
    "any_days",
    type=click.IntRange(min=1),
    help="Days since any enquiry, open or not, was received [default: RETENTION_DAYS].",
)
def purge(closed_days: int | None, any_days: int | None) -> None:
    """Remove personal data (and staff notes) from old enquiries, keeping statistics."""
    config = current_app.config
    closed_days = closed_days or config["RETENTION_CLOSED_DAYS"]
    any_days = any_days or config["RETENTION_DAYS"]
    count = anonymise(closed_days, max(any_days, closed_days))
    click.echo(f"{count} enquiries anonymised.")
    expired = digest.expire(utcnow())
    db.session.commit()
    click.echo(f"{expired} unconfirmed subscriptions to a search deleted.")
