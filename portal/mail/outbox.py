"""Writing mail to the outbox: rendered now, in the reader's language, sent later by the worker."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale

from portal.core.extensions import db
from portal.mail.models import OutboxMessage


def _single_line(value: str) -> str:
    """Header values never carry line breaks, whatever went into them."""
    return " ".join(value.split())


def queue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    template: str,
    lang: str,
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``template``.txt and .html in ``lang`` and add the message to the session.

    It is sent once the caller's transaction commits, so mail and the change that
    caused it are kept or lost together.
    """
    with force_locale(lang):
        text_body = render_template(f"{template}.txt", lang=lang, **context)
        html_body = render_template(f"{template}.html", lang=lang, **context)
    message = OutboxMessage(
        kind=kind,
        recipient=_single_line(recipient),
        reply_to=_single_line(reply_to) if reply_to else None,
        subject=_single_line(subject),
        text_body=text_body,
        html_body=html_body,
        lang=lang,
        headers={name: _single_line(value) for name, value in headers.items()} if headers else None,
    )
    db.session.add(message)
    return message
