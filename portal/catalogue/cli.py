"""``flask --app portal search reindex``. (``seed`` is in operations: it loads enquiries too.)"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.catalogue import index
from portal.core.extensions import db


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
