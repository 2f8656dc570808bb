"""``flask --app portal alerts send``: the digests of followed searches."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from portal.alerts import digest

alerts = AppGroup("alerts", help="Followed searches and their digests.")


@alerts.command("send")
@click.option("--now", type=click.DateTime(), default=None, help="Act as if it were this UTC time (for trying it out).")
def send(now: datetime | None) -> None:
    """Queue each due digest (through the outbox) and delete unconfirmed subscriptions past their time."""
    click.echo(str(digest.send_due(now)))
