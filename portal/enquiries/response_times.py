"""How fast each agency answers enquiries, computed from the records: the figures of ``/<lang>/response-times``.

Nothing here identifies an investor: only when an enquiry came, to which agency, about
which sector, when it was first answered and by when that was promised. A month with
fewer than ``SMALLEST`` enquiries shows no figures at all, only that there were fewer
than that many, so that no single enquiry can be picked out. Spam is not counted.

``figures`` is a pure function of those records and today's date, so that it can be
tested on any history; ``records`` reads them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal.agencies.models import TIME_ZONES, Agency
from portal.catalogue.models import Opportunity, Sector
from portal.core.extensions import db
from portal.core.time import local_today, working_days_between
from portal.enquiries.models import Enquiry

#: a month (or sector) with fewer enquiries than this shows no figures
SMALLEST = 5
#: months shown, the current one last
MONTHS = 12


@dataclass(frozen=True)
class Record:
    """One enquiry, as far as response times need it: dates at the agency's offices."""

    agency: str
    sector: str | None
    received: date
    promised: date
    answered: date | None
    sample: bool = False


@dataclass
class Handling:
    """How a set of enquiries was handled."""

    received: int = 0
    #: working days from receipt to the first answer, for those answered
    days: list[int] = field(default_factory=list)
    #: of those whose promised date has come: answered by it, and all of them
    on_time: int = 0
    due: int = 0

    @property
    def shown(self) -> bool:
        """Whether there are enough enquiries to show figures."""
        return self.received >= SMALLEST

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.shown and self.days else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.shown and self.due else None

    def add(self, record: Record, today: date) -> None:
        self.received += 1
        if record.answered is not None:
            self.days.append(working_days_between(record.received, record.answered))
        if record.answered is not None or record.promised < today:
            self.due += 1
            if record.answered is not None and record.answered <= record.promised:
                self.on_time += 1


@dataclass
class AgencyFigures:
    agency: str
    months: dict[str, Handling]
    sectors: dict[str | None, Handling]
    overall: Handling


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> date:
    """The first day of a YYYY-MM month."""
    return date(int(month[:4]), int(month[5:]), 1)


def last_months(today: date, count: int = MONTHS) -> list[str]:
    """The last ``count`` months as YYYY-MM, the current one last."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def figures(records: Iterable[Record], agencies: list[str], today: date) -> list[AgencyFigures]:
    """Each agency's handling of the enquiries of the last ``MONTHS`` months, per month and per sector."""
    months = last_months(today)
    out = {
        code: AgencyFigures(code, {m: Handling() for m in months}, defaultdict(Handling), Handling())
        for code in agencies
    }
    for record in records:
        month = month_of(record.received)
        if record.agency not in out or month not in out[record.agency].months:
            continue
        shown = out[record.agency]
        for handling in (shown.months[month], shown.sectors[record.sector], shown.overall):
            handling.add(record, today)
    return [out[code] for code in agencies]


def _local(moment: datetime | None, country: str) -> date | None:
    return local_today(TIME_ZONES.get(country, "UTC"), moment) if moment is not None else None


def records(since: date) -> list[Record]:
    """The enquiries received since ``since`` (spam left out), as Records."""
    statement = (
        select(
            Agency.code,
            Agency.country,
            Sector.slug,
            Enquiry.created_at,
            Enquiry.reply_by,
            Enquiry.first_answered_at,
            Enquiry.is_sample,
        )
        .join(Agency, Enquiry.agency_id == Agency.id)
        .outerjoin(Opportunity, Enquiry.opportunity_id == Opportunity.id)
        .outerjoin(Sector, Opportunity.sector_id == Sector.id)
        .where(Enquiry.status != "spam", Enquiry.created_at >= datetime(since.year, since.month, 1))
    )
    return [
        Record(
            agency=code,
            sector=sector,
            received=_local(created, country) or created.date(),
            promised=promised,
            answered=_local(answered, country),
            sample=sample,
        )
        for code, country, sector, created, promised, answered, sample in db.session.execute(statement)
    ]


@dataclass(frozen=True)
class Published:
    """The figures as the page, the API and the CSV show them."""

    months: list[str]
    agencies: list[AgencyFigures]
    #: no enquiry at all in the period
    empty: bool
    #: some of the records are the sample history
    sample: bool


def published(today_utc: datetime) -> Published:
    """The last ``MONTHS`` months of every agency, as of ``today_utc``."""
    codes = [code for (code,) in db.session.execute(select(Agency.code).order_by(Agency.code))]
    today = today_utc.date()
    months = last_months(today)
    found = records(month_start(months[0]))
    return Published(
        months=months,
        agencies=figures(found, codes, today),
        empty=not found,
        sample=any(record.sample for record in found),
    )
