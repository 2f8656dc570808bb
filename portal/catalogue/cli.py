"""``flask --app portal seed``: the sample catalogue, and synthetic listings; ``search reindex``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.catalogue import demo as demo_data
from portal.catalogue import index
from portal.catalogue import synthetic as generated
from portal.catalogue.models import Opportunity
from portal.core.extensions import db


@click.command()
@with_appcontext
@click.option("--demo", is_flag=True, help="Load the sample catalogue.")
@click.option("--synthetic", type=click.IntRange(min=1), help="Add this many sample listings, for benchmarks.")
@click.option("--if-empty", is_flag=True, help="Only when there are no opportunities yet.")
def seed(demo: bool, synthetic: int | None, if_empty: bool) -> None:
    """Load data into the database."""
    if not demo and not synthetic:
        raise click.UsageError("Say what to load: --demo, or --synthetic N.")
    if if_empty and db.session.scalar(select(func.count()).select_from(Opportunity)):
        click.echo("The catalogue is not empty; nothing loaded.")
        return
    if demo:
        added = demo_data.load()
        click.echo(", ".join(f"{count} {what}" for what, count in added.items()) + " added.")
    if synthetic:
        with click.progressbar(length=synthetic, label="Synthetic listings", show_pos=True, show_eta=True) as bar:
            made = generated.add(synthetic, bar.update)
        click.echo(f"{made} synthetic sample listings added.")


@click.group()
def search() -> None:
    """The search index."""


@search.command()
@with_appcontext
def reindex() -> None:
    """Rebuild the search index of published listings (after changing how words are stemmed, say)."""
    count = index.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"{count} published listings indexed.")
