"""``flask --app portal outbox deliver``: the delivery worker from the command line."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask.cli import AppGroup

from portal.core.extensions import remove_session, reset_session
from portal.mail.delivery import deliver_due

outbox = AppGroup("outbox", help="The outbox of mail waiting to be sent.")
log = logging.getLogger(__name__)


@outbox.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running, sending what becomes due.")
@click.option("--sleep", default=10.0, show_default=True, help="Seconds between rounds with --loop.")
def deliver(loop: bool, sleep: float) -> None:
    """Send the messages that are due, over SMTP (or to the console)."""
    stop = threading.Event()
    if not loop:
        click.echo(str(deliver_due()))
        return
    # SIGTERM (systemctl stop, a deploy) lets the message being sent finish; the rest waits for the next worker.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        while not stop.is_set():
            try:
                report = deliver_due(stopping=stop.is_set)
            except Exception:
                # Keep the worker alive (the database may be restarting); try again next round.
                reset_session()
                log.exception("outbox delivery round failed")
                stop.wait(sleep)
                continue
            if report.sent or report.retrying or report.failed:
                click.echo(str(report))
            remove_session()  # give the connection back while sleeping
            stop.wait(sleep)
    finally:
        signal.signal(signal.SIGTERM, previous)
