"""``flask --app portal enquiries ...``: retention from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.enquiries.retention import anonymise_closed

enquiries = AppGroup("enquiries", help="Investor enquiries.")


@enquiries.command("purge")
@click.option(
    "--older-than", "days", type=click.IntRange(min=1), required=True, help="Days since an enquiry was closed."
)
def purge(days: int) -> None:
    """Remove personal data from enquiries closed more than DAYS days ago, keeping statistics."""
    count = anonymise_closed(days)
    click.echo(f"{count} enquiries anonymised.")
