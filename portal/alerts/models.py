"""A followed search: an address, its language and how often to write, and the list's filters."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.extensions import Model
from portal.core.time import utcnow
from portal.core.vocabulary import Vocabulary

FREQUENCIES = Vocabulary(daily=_l("Once a day"), weekly=_l("Once a week"))
#: how long after one digest the next may go
INTERVALS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Alert(Model):
    """A subscription to a search of the opportunities list. Nothing is sent before it is confirmed.

    Its address is personal data: it goes when the investor unsubscribes, and an unconfirmed
    subscription goes after ``ALERT_CONFIRM_DAYS`` (``alerts send`` and ``enquiries purge``).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the secret in the confirmation and unsubscribe links
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: the language of the page it was made on: its mail is written in it
    lang: Mapped[str] = mapped_column(String(8))
    #: one of FREQUENCIES
    frequency: Mapped[str] = mapped_column(String(10))
    #: the list's filters as query arguments (``search.Filters.args`` without sort and page)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    #: the end of the period the last digest covered: the next one lists what is new or changed since
    last_sent_at: Mapped[datetime | None]
