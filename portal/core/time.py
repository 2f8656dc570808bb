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


def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` ``end`` is: 0 on the same day (or before it), 1 the next
    working day; the inverse of ``add_working_days``."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count
