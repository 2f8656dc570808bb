"""Every staff route, for every kind of visitor: the status each one gets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from tests.conftest import database
from tests.enquiries.conftest import send_enquiry
from tests.factories import make_opportunity, make_sector, make_zone
from tests.staff.accounts import ACCOUNTS, csrf_from

VISITORS = ["anonymous", *ACCOUNTS]
# What each visitor gets; "login" means a redirect to the sign-in page.
EVERYONE_STAFF = {"anonymous": "login", **dict.fromkeys(ACCOUNTS, 200)}
ADMIN_ONLY = {"anonymous": "login", **dict.fromkeys(ACCOUNTS, 403), "admin": 200}
OWN_AGENCY_PK = {
    "anonymous": "login",
    "officer_boi": 200,
    "curator_boi": 200,
    "admin": 200,
    "officer_nia": 404,
    "curator_nia": 404,
}

CURATORS = {
    "anonymous": "login",
    "officer_boi": 403,
    "officer_nia": 403,
    "curator_boi": 200,
    "curator_nia": 200,
    "admin": 200,
}
OWN_LISTING = {
    "anonymous": "login",
    "officer_boi": 403,
    "officer_nia": 403,
    "curator_boi": 200,
    "curator_nia": 404,
    "admin": 200,
}
CHANGE_OWN_LISTING = {**OWN_LISTING, "curator_boi": 303, "admin": 303}

ROUTES = [
    ("GET", "/admin/zones", CURATORS),
    ("GET", "/admin/zones/new", CURATORS),
    ("GET", "/admin/zones/{zone}", OWN_LISTING),
    ("GET", "/admin/sectors", ADMIN_ONLY),
    ("GET", "/admin/sectors/new", ADMIN_ONLY),
    ("GET", "/admin/sectors/{sector}", ADMIN_ONLY),
    ("GET", "/admin/agencies", ADMIN_ONLY),
    ("GET", "/admin/agencies/{agency}", ADMIN_ONLY),
    ("GET", "/admin/opportunities", CURATORS),
    ("GET", "/admin/revisions", CURATORS),
    ("GET", "/admin/opportunities/new", CURATORS),
    ("GET", "/admin/opportunities/{listing}", OWN_LISTING),
    ("POST", "/admin/opportunities/{listing}/verify", CHANGE_OWN_LISTING),
    ("POST", "/admin/opportunities/{listing}/state", CHANGE_OWN_LISTING),
    ("GET", "/admin/", EVERYONE_STAFF),
    ("GET", "/admin/enquiries", EVERYONE_STAFF),
    ("GET", "/admin/enquiries/export.csv", EVERYONE_STAFF),
    ("GET", "/admin/enquiries/{pk}", OWN_AGENCY_PK),
    (
        "POST",
        "/admin/enquiries/{pk}/status",
        {**OWN_AGENCY_PK, **dict.fromkeys(("officer_boi", "curator_boi", "admin"), 303)},
    ),
    (
        "POST",
        "/admin/enquiries/{pk}/assign",
        {**OWN_AGENCY_PK, **dict.fromkeys(("officer_boi", "curator_boi", "admin"), 303)},
    ),
    (
        "POST",
        "/admin/enquiries/{pk}/notes",
        {**OWN_AGENCY_PK, **dict.fromkeys(("officer_boi", "curator_boi", "admin"), 303)},
    ),
    ("GET", "/admin/audit", EVERYONE_STAFF),
    ("GET", "/admin/users", ADMIN_ONLY),
    ("POST", "/admin/users/{user}/active", {**ADMIN_ONLY, "admin": 303}),
    ("GET", "/admin/account", EVERYONE_STAFF),
    ("POST", "/admin/users/{user}/two-factor/reset", {**ADMIN_ONLY, "admin": 303}),
    # Nobody here has a second factor yet, so there are no recovery codes to renew.
    ("POST", "/admin/account/recovery-codes", {"anonymous": "login", **dict.fromkeys(ACCOUNTS, 400)}),
    ("POST", "/admin/logout", {"anonymous": "login", **dict.fromkeys(ACCOUNTS, 303)}),
]

FORM_DATA = {
    "status": {"status-status": "in_progress"},
    "assign": {"assign-assignee": ""},
    "notes": {"note-body": "Called the investor."},
    "active": {"active": ""},
    "state": {"action": "archive"},
}


@pytest.mark.parametrize("visitor", VISITORS)
def test_role_route_matrix(app, client, staff, signed_in, visitor):
    send_enquiry(client, destination="pk")
    with database(app):
        reference = db.session.scalar(select(Enquiry.reference))
        listing = make_opportunity("boi-listing", sector=make_sector())
        zone = make_zone("boi-zone")
    browser = app.test_client() if visitor == "anonymous" else signed_in(visitor)
    token = csrf_from(
        browser.get("/admin/login" if visitor == "anonymous" else "/admin/account").get_data(as_text=True)
    )
    wrong = []
    # Sign-out goes last: it ends the session the other requests need.
    for method, path, expected in sorted(ROUTES, key=lambda route: route[1] == "/admin/logout"):
        url = path.format(
            pk=reference,
            user=staff["officer_nia"].id,
            listing=listing.id,
            zone=zone.id,
            sector=listing.sector_id,
            agency=listing.agency_id,
        )
        if method == "GET":
            response = browser.get(url)
        else:
            data = next((v for k, v in FORM_DATA.items() if url.endswith(k)), {})
            prefixed = {f"{prefix}-csrf_token": token for prefix in ("status", "assign", "note")}
            response = browser.post(url, data={**data, "csrf_token": token, **prefixed})
        want = expected[visitor]
        if want == "login":
            got_login = response.status_code == 302 and "/admin/login" in response.headers["Location"]
            if not got_login:
                wrong.append((method, path, response.status_code, "login"))
        elif response.status_code != want:
            wrong.append((method, path, response.status_code, want))
    assert wrong == []
