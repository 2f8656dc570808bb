"""Command-line tools under ``flask --app portal``."""

from __future__ import annotations

import logging
import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

outbox = AppGroup("outbox", help="The outbox of mail waiting to be sent.")
enquiries = AppGroup("enquiries", help="Investor enquiries.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(outbox)
    app.cli.add_command(enquiries)


@click.command()
@click.option("--demo", is_flag=True, help="Load the sample catalogue.")
@click.option("--if-empty", is_flag=True, help="Only when there are no opportunities yet.")
def seed(demo: bool, if_empty: bool) -> None:
    """Load data into the database."""
    from portal.catalogue import demo as demo_data
    from portal.catalogue.models import Opportunity
    from portal.extensions import db

    if not demo:
        raise click.UsageError("Say what to load: --demo.")
    if if_empty and db.session.scalar(select(func.count()).select_from(Opportunity)):
        click.echo("The catalogue is not empty; nothing loaded.")
        return
    added = demo_data.load()
    click.echo(", ".join(f"{count} {what}" for what, count in added.items()) + " added.")


@outbox.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running, sending what becomes due.")
@click.option("--sleep", default=10.0, show_default=True, help="Seconds between rounds with --loop.")
def deliver(loop: bool, sleep: float) -> None:
    """Send the messages that are due, over SMTP (or to the console)."""
    from portal.extensions import db
    from portal.mail.delivery import deliver_due

    while True:
        try:
            report = deliver_due()
        except Exception:
            if not loop:
                raise
            # Keep the worker alive (the database may be restarting); try again next round.
            db.session.rollback()
            logging.getLogger(__name__).exception("outbox delivery round failed")
            time.sleep(sleep)
            continue
        if report.sent or report.retrying or report.failed or not loop:
            click.echo(str(report))
        if not loop:
            return
        db.session.remove()  # give the connection back while sleeping
        time.sleep(sleep)


@enquiries.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=1), required=True,
              help="Days since an enquiry was closed.")
def purge(days: int) -> None:
    """Remove personal data from enquiries closed more than DAYS days ago, keeping statistics."""
    from portal.enquiries.privacy import anonymise_closed

    count = anonymise_closed(days)
    click.echo(f"{count} enquiries anonymised.")
