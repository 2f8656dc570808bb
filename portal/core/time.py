"""Time: naive UTC timestamps in the database, dates and working days at an agency's offices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, in UTC, without a time zone: how every ``*_at`` column is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today(time_zone: str, now_utc: datetime) -> date:
    """The date in ``time_zone`` when it is ``now_utc`` (naive UTC)."""
    return now_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone)).date()


def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start``; Saturdays and Sundays are not working days
    in either country (public holidays are not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
