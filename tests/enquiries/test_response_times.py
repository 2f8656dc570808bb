"""The response-time figures: working days, medians, promises kept, and months too small to show."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portal.core.extensions import db
from portal.core.time import add_working_days, working_days_between
from portal.enquiries import response_times
from portal.enquiries.response_times import Record, figures, last_months
from tests.conftest import database
from tests.factories import make_agency

TODAY = date(2026, 11, 30)  # a Monday


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(min_value=0, max_value=60))
def test_working_days_between_undoes_add_working_days(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


def test_working_days_skip_the_weekend():
    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(friday, friday) == 0
    assert working_days_between(monday, friday) == 0  # never negative


def record(received: date, answered_after: int | None, promise: int = 5, **fields) -> Record:
    return Record(
        agency=fields.get("agency", "BOI"),
        sector=fields.get("sector", "textiles"),
        received=received,
        promised=add_working_days(received, promise),
        answered=add_working_days(received, answered_after) if answered_after is not None else None,
    )


def test_a_month_of_fewer_than_five_enquiries_shows_no_figures():
    october = [record(date(2026, 10, 5 + i), 2) for i in range(4)]
    (boi,) = figures(october, ["BOI"], TODAY)
    month = boi.months["2026-10"]
    assert month.received == 4 and not month.shown
    assert month.median_days is None and month.on_time_share is None


def test_median_working_days_and_promises_kept():
    days = [1, 2, 3, 7, 9]  # promised within 5: three kept, two late
    october = [record(date(2026, 10, 5), d) for d in days]
    (boi,) = figures(october, ["BOI"], TODAY)
    month = boi.months["2026-10"]
    assert month.shown and month.median_days == 3
    assert month.on_time_share == 3 / 5


def test_an_unanswered_enquiry_counts_as_late_only_once_its_promise_has_passed():
    waiting = [record(TODAY - timedelta(days=1), None) for _ in range(3)]  # promised next week
    overdue = [record(date(2026, 11, 2), None) for _ in range(2)]  # promised 9 November
    answered = [record(date(2026, 11, 2), 1) for _ in range(5)]
    (boi,) = figures(waiting + overdue + answered, ["BOI"], TODAY)
    month = boi.months["2026-11"]
    assert month.received == 10 and month.due == 7 and month.on_time == 5
    assert month.median_days == 1  # only the answered ones have a time


def test_by_sector_by_agency_and_only_the_last_twelve_months():
    history = [record(date(2026, 9, 1), 2, sector="energy") for _ in range(5)]
    history += [record(date(2026, 9, 1), 4, sector=None, agency="NIA") for _ in range(6)]
    history += [record(date(2025, 1, 10), 1) for _ in range(9)]  # too old
    history += [record(date(2026, 9, 1), 1, agency="XYZ")]  # no such agency
    boi, nia = figures(history, ["BOI", "NIA"], TODAY)
    assert last_months(TODAY)[0] == "2025-12" and list(boi.months)[-1] == "2026-11"
    assert boi.overall.received == 5 and boi.sectors["energy"].median_days == 2
    assert nia.overall.received == 6 and nia.sectors[None].median_days == 4


def test_records_are_read_at_the_agencys_offices_and_spam_is_left_out(app):
    from tests.factories import make_enquiries

    with database(app):
        make_agency("BOI", "PK")
        enquiries = [make_enquiries("pk")[0] for _ in range(3)]
        # 20:00 UTC on 2 March is 3 March in Karachi (UTC+5)
        enquiries[0].created_at = datetime(2026, 3, 2, 20, 0)
        enquiries[0].first_answered_at = datetime(2026, 3, 5, 21, 0)
        enquiries[1].status = "spam"
        db.session.flush()
        found = response_times.records(date(2026, 1, 1))
    assert len(found) == 2
    first = next(r for r in found if r.received == date(2026, 3, 3))
    assert first.answered == date(2026, 3, 6) and first.agency == "BOI"
