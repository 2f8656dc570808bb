"""The inbox: each agency sees its own enquiries, works them, and exports them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.export import spreadsheet_safe
from portal.enquiries.models import Enquiry
from portal.staff.models import AuditEntry, User
from tests.conftest import database, reload
from tests.enquiries.conftest import send_enquiry
from tests.enquiries.test_status_and_privacy import look_up
from tests.factories import make_enquiries
from tests.staff.accounts import csrf_from


@pytest.fixture
def enquiries(app, client, staff):
    send_enquiry(client, destination="pk", name="Zainab Malik", organisation="Lahore Looms")
    send_enquiry(client, destination="kg", name="Айбек Токтогулов", organisation="Ала-Тоо")
    send_enquiry(
        client,
        destination="pk",
        name='=HYPERLINK("http://evil")',
        organisation="+cmd|' /C calc'!A0",
        message="-2+3 and a message long enough to pass",
    )
    with database(app):
        items = db.session.scalars(select(Enquiry).order_by(Enquiry.id)).all()
        items[2].reply_by = (utcnow() - timedelta(days=3)).date()  # overdue
    return items


def references(page: str, items) -> list[str]:
    """The enquiries a list page links to, in the order given."""
    return [e.reference for e in items if f'href="/admin/enquiries/{e.reference}"' in page]


def test_each_agency_sees_only_its_own(signed_in, enquiries):
    boi = signed_in("officer_boi").get("/admin/enquiries").get_data(as_text=True)
    nia = signed_in("officer_nia").get("/admin/enquiries").get_data(as_text=True)
    admin = signed_in("admin").get("/admin/enquiries").get_data(as_text=True)
    pk1, kg1, pk2 = enquiries
    assert references(boi, enquiries) == [pk1.reference, pk2.reference]
    assert references(nia, enquiries) == [kg1.reference]
    assert len(references(admin, enquiries)) == 3


def test_other_agency_is_404_by_url_filter_and_export(signed_in, enquiries):
    nia = signed_in("officer_nia")
    pk1 = enquiries[0]
    assert nia.get(f"/admin/enquiries/{pk1.reference}").status_code == 404
    assert references(nia.get(f"/admin/enquiries?q={pk1.reference}").get_data(as_text=True), enquiries) == []
    assert pk1.reference not in nia.get("/admin/enquiries/export.csv").get_data(as_text=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=zainab", [0]),
        ("q=LOOMS", [0]),
        ("overdue=1", [2]),
        ("status=new", [0, 2]),
        ("status=answered", []),
        ("country=kz", [0, 2]),
        ("assignee=none", [0, 2]),
        ("q=%25", []),
        ("status=<script>&page=abc&since=not-a-date", [0, 2]),
        # "²" is a digit to Python but no number to int(); a huge id does not fit the column
        ("assignee=%C2%B2", [0, 2]),
        ("assignee=99999999999999999999", [0, 2]),
    ],
)
def test_inbox_filters(signed_in, enquiries, query, expected):
    page = signed_in("curator_boi").get("/admin/enquiries?" + query).get_data(as_text=True)
    assert references(page, enquiries) == [enquiries[i].reference for i in expected]


def test_overdue_enquiries_stand_out(signed_in, enquiries):
    page = signed_in("officer_boi").get("/admin/enquiries").get_data(as_text=True)
    row = page.split(enquiries[2].reference, 1)[1].split("</tr>", 1)[0]
    assert "Overdue" in row
    assert "Overdue" not in page.split(enquiries[0].reference, 1)[1].split("</tr>", 1)[0]


def test_list_is_sorted_by_promised_date(signed_in, enquiries):
    page = signed_in("admin").get("/admin/enquiries").get_data(as_text=True)
    assert page.index(enquiries[2].reference) < page.index(enquiries[0].reference)


def test_csv_opens_in_excel_and_neutralises_formulas(signed_in, enquiries):
    response = signed_in("admin").get("/admin/enquiries/export.csv")
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    by_ref = {row["reference"]: row for row in rows}
    assert by_ref[enquiries[1].reference]["name"] == "Айбек Токтогулов"
    evil = by_ref[enquiries[2].reference]
    assert evil["name"].startswith("'=")
    assert evil["organisation"].startswith("'+")
    assert evil["message"].startswith("'-")
    assert evil["overdue"] == "yes"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        (" =cmd|x", "' =cmd|x"),
        ("＝1", "'＝1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-5", "'-5"),
        ("+1", "'+1"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def post_form(browser, url, page_url, data):
    token = csrf_from(browser.get(page_url).get_data(as_text=True))
    return browser.post(
        url, data={**data, "status-csrf_token": token, "assign-csrf_token": token, "note-csrf_token": token}
    )


def test_officer_works_an_enquiry_and_the_investor_sees_it(app, client, signed_in, staff, enquiries):
    officer = signed_in("officer_boi")
    pk1 = enquiries[0]
    page_url = f"/admin/enquiries/{pk1.reference}"
    assert (
        post_form(
            officer, f"{page_url}/assign", page_url, {"assign-assignee": str(staff["officer_boi"].id)}
        ).status_code
        == 303
    )
    assert (
        post_form(officer, f"{page_url}/notes", page_url, {"note-body": "Called; sending the site plan."}).status_code
        == 303
    )
    assert post_form(officer, f"{page_url}/status", page_url, {"status-status": "answered"}).status_code == 303

    detail = officer.get(page_url).get_data(as_text=True)
    assert "Called; sending the site plan." in detail
    assert "Officer Boi" in detail
    mail = detail.split('id="mail-title"', 1)[1]  # the mail sent for it, with its delivery state
    assert "boi-enquiries@example.com" in mail and "aigerim@example.net" in mail
    assert mail.count("Waiting to be sent") == 3  # the notification, the acknowledgement, who works on it
    pk1 = reload(app, pk1)
    assert pk1.status == "answered" and pk1.first_answered_at is not None
    assert pk1.assignee_id == staff["officer_boi"].id
    with database(app):
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_key == pk1.reference)).all()
        status_change = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enquiry.status"))
    assert [a for a in actions if a != "enquiry.view"] == ["enquiry.assign", "enquiry.note", "enquiry.status"]
    assert "enquiry.view" in actions
    assert status_change.changes["status"] == ["new", "answered"]
    assert status_change.user_id == staff["officer_boi"].id

    investor_view = look_up(client, pk1.reference, "aigerim@example.net").get_data(as_text=True)
    assert "Answered" in investor_view


@pytest.mark.parametrize("who", ["officer_nia", "curator_boi", "admin"])
def test_enquiries_go_only_to_officers_of_the_agency(app, signed_in, staff, enquiries, who):
    officer = signed_in("officer_boi")
    page_url = f"/admin/enquiries/{enquiries[0].reference}"
    response = post_form(officer, f"{page_url}/assign", page_url, {"assign-assignee": str(staff[who].id)})
    assert response.status_code == 400
    assert reload(app, enquiries[0]).assignee_id is None


def test_unknown_status_is_refused(signed_in, enquiries):
    officer = signed_in("officer_boi")
    page_url = f"/admin/enquiries/{enquiries[0].reference}"
    assert post_form(officer, f"{page_url}/status", page_url, {"status-status": "deleted"}).status_code == 400


def test_audit_log_reads_in_the_users_language(app, signed_in, staff, enquiries):
    officer = signed_in("officer_boi")
    page_url = f"/admin/enquiries/{enquiries[0].reference}"
    post_form(officer, f"{page_url}/status", page_url, {"status-status": "in_progress"})
    with database(app):
        db.session.get(User, staff["officer_boi"].id).preferred_language = "ru"
    log = officer.get("/admin/audit").get_data(as_text=True)
    assert "Статус изменён" in log and "enquiry.status" not in log
    assert "Получен, ещё не рассмотрен → На рассмотрении" in log  # the values too, not their codes
    history = officer.get(page_url).get_data(as_text=True)
    assert "Статус изменён" in history


def test_opening_an_enquiry_and_exporting_csv_are_recorded_with_the_address(app, staff, signed_in):
    """Finding 12: reading personal data left no trace."""
    with database(app):
        (item,) = make_enquiries(destination="pk")
    officer = signed_in("officer_boi")
    assert officer.get(f"/admin/enquiries/{item.reference}").status_code == 200
    export = officer.get("/admin/enquiries/export.csv?status=new", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert export.status_code == 200
    with database(app):
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2)).all()
    exported, opened = entries
    assert (opened.action, opened.object_key, opened.user_id) == (
        "enquiry.view",
        item.reference,
        staff["officer_boi"].id,
    )
    assert opened.ip == "127.0.0.1"
    assert exported.action == "enquiry.export" and exported.ip == "198.51.100.7"
    assert exported.changes == {"filters": [None, "status=new"], "rows": [None, 1]}
    page = signed_in("admin").get("/admin/audit").get_data(as_text=True)
    assert "Exported to CSV" in page and "198.51.100.7" in page and "status=new" in page
    # What was searched for may name an investor: the log says a search was made, not what it was.
    officer.get("/admin/enquiries/export.csv?q=Aigerim+Sadykova")
    with database(app):
        searched = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert searched.changes["filters"] == [None, "q=%E2%80%A6"]
