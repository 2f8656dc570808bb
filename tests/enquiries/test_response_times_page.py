"""/<lang>/response-times: each agency's handling of enquiries, from the records, live; the same in the API and CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.catalogue import demo
from portal.core.time import utcnow
from portal.enquiries import samples
from portal.enquiries.models import Enquiry
from tests.conftest import database
from tests.factories import make_enquiries


@pytest.fixture
def catalogue(app):
    with database(app):
        demo.load()
    return app


def test_with_no_enquiries_the_page_says_so_plainly(client, catalogue):
    page = client.get("/en/response-times").get_data(as_text=True)
    assert "No enquiries have been received through this portal in the last twelve months yet" in page
    assert '<svg class="chart"' not in page and "Sample figures" not in page
    assert client.get("/api/v1/response-times").get_json()["sample"] is False


def test_a_sample_history_gives_figures_with_a_banner_a_chart_and_a_table(app, client, catalogue, runner):
    result = runner.invoke(args=["seed", "--demo", "--sample-enquiries"])
    assert "sample enquiries added" in result.output, result.output
    again = runner.invoke(args=["seed", "--demo", "--sample-enquiries"])
    assert "there already" in again.output
    page = client.get("/en/response-times").get_data(as_text=True)
    assert "Sample figures." in page
    assert page.count('role="img"') == 2 and '<title id="chart-title-BOI">' in page
    assert "median" in page and "%" in page
    figures = client.get("/api/v1/response-times").get_json()
    assert figures["sample"] is True
    boi = next(a for a in figures["agencies"] if a["agency"] == "BOI")
    assert boi["overall"]["received"] > 100 and 0 < boi["overall"]["on_time_share"] <= 1
    assert len(boi["months"]) == 12 and all(m["received"] is not None for m in boi["months"])
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/downloads/response-times.csv").get_data(as_text=True))))
    assert len(rows) == 24 and {row["sample"] for row in rows} == {"True"}
    assert rows[0]["received"] == str(boi["months"][0]["received"])
    # nothing that identifies an investor
    assert "Sample investor" not in page and "@" not in re.sub(r"<[^>]+>", "", page.split("<main", 1)[1])


def test_the_chart_reads_right_to_left_in_urdu(client, catalogue):
    with database(catalogue):
        samples.load()
    positions = {}
    for lang in ("en", "ur"):
        page = client.get(f"/{lang}/response-times").get_data(as_text=True)
        chart = page.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
        positions[lang] = [float(x) for x in re.findall(r'<text x="([0-9.]+)"[^>]*class="label"', chart)]
    assert positions["en"] == sorted(positions["en"]) and len(positions["en"]) == 12
    assert positions["ur"] == sorted(positions["ur"], reverse=True)


def test_a_month_with_fewer_than_five_enquiries_shows_no_figures_and_the_page_is_live(app, client, catalogue):
    with database(app):
        for _ in range(3):
            make_enquiries("pk")
    page = client.get("/en/response-times").get_data(as_text=True)
    assert "fewer than 5" in page
    month = client.get("/api/v1/response-times").get_json()["agencies"][0]["months"][-1]
    assert month == {
        "month": utcnow().strftime("%Y-%m"),
        "received": None,
        "fewer_than": 5,
        "median_working_days": None,
        "on_time_share": None,
    }
    with database(app) as session:
        for _ in range(2):
            make_enquiries("pk")
        for enquiry in session.scalars(select(Enquiry)):
            enquiry.status, enquiry.first_answered_at = "answered", utcnow()
    month = client.get("/api/v1/response-times").get_json()["agencies"][0]["months"][-1]
    assert month["received"] == 5 and month["median_working_days"] == 0 and month["on_time_share"] == 1


def test_the_enquiry_form_says_how_fast_each_agency_answers(app, client, catalogue):
    form = client.get("/en/enquire").get_data(as_text=True)
    assert 'href="/en/response-times"' in form and "answers most enquiries" not in form
    with database(app) as session:
        for _ in range(5):
            make_enquiries("pk")
        for enquiry in session.scalars(select(Enquiry)):
            enquiry.status, enquiry.first_answered_at = "answered", utcnow()
    form = client.get("/en/enquire").get_data(as_text=True)
    assert "BOI answers most enquiries within 1 working day." in form  # answered the same day
