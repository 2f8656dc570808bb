"""``flask --app portal seed``: the sample catalogue, a sample history of enquiries, synthetic listings."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.catalogue import demo as demo_data
from portal.catalogue import synthetic as generated
from portal.catalogue.models import Opportunity
from portal.core.extensions import db
from portal.enquiries import samples as sample_history


@click.command()
@with_appcontext
@click.option("--demo", is_flag=True, help="Load the sample catalogue.")
@click.option("--synthetic", type=click.IntRange(min=1), help="Add this many sample listings, for benchmarks.")
@click.option("--if-empty", is_flag=True, help="Only when there are no opportunities yet.")
@click.option(
    "--sample-enquiries", is_flag=True, help="With --demo: a labelled sample year of enquiries, for the response times."
)
def seed(demo: bool, synthetic: int | None, if_empty: bool, sample_enquiries: bool) -> None:
    """Load data into the database."""
    if not demo and not synthetic:
        raise click.UsageError("Say what to load: --demo, or --synthetic N.")
    if sample_enquiries and not demo:
        raise click.UsageError("--sample-enquiries goes with --demo.")
    if if_empty and db.session.scalar(select(func.count()).select_from(Opportunity)):
        click.echo("The catalogue is not empty; nothing loaded.")
        return
    if demo:
        added = demo_data.load()
        click.echo(", ".join(f"{count} {what}" for what, count in added.items()) + " added.")
    if sample_enquiries:
        made = sample_history.load()
        db.session.commit()
        click.echo(f"{made} sample enquiries added." if made else "The sample enquiries are there already.")
    if synthetic:
        with click.progressbar(length=synthetic, label="Synthetic listings", show_pos=True, show_eta=True) as bar:
            made = generated.add(synthetic, bar.update)
        click.echo(f"{made} synthetic sample listings added.")
