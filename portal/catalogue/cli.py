"""``flask --app portal seed``: loading the sample catalogue."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.catalogue import demo as demo_data
from portal.catalogue.models import Opportunity
from portal.core.extensions import db


@click.command()
@with_appcontext
@click.option("--demo", is_flag=True, help="Load the sample catalogue.")
@click.option("--if-empty", is_flag=True, help="Only when there are no opportunities yet.")
def seed(demo: bool, if_empty: bool) -> None:
    """Load data into the database."""
    if not demo:
        raise click.UsageError("Say what to load: --demo.")
    if if_empty and db.session.scalar(select(func.count()).select_from(Opportunity)):
        click.echo("The catalogue is not empty; nothing loaded.")
        return
    added = demo_data.load()
    click.echo(", ".join(f"{count} {what}" for what, count in added.items()) + " added.")
