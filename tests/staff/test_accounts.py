"""Signing in and out, throttling, session expiry, CSRF, and the users commands."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from portal.staff.models import AuditEntry, User
from tests.conftest import database, temporary_app
from tests.staff.accounts import PASSWORD, change_password, csrf_from, sign_in

WRONG = "The e-mail address or the password is not right."


def test_sign_in_and_out(app, staff):
    client = app.test_client()
    response = sign_in(client, "officer_boi")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/")
    assert "Enquiries by status" in client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/logout").status_code == 405  # signing out is a POST
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").status_code == 302
    with database(app):
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["login", "logout"]


@pytest.mark.parametrize("email, password", [("officer_boi", "wrong password"), ("nobody", PASSWORD)])
def test_failed_sign_in_reveals_nothing(app, staff, email, password):
    response = sign_in(app.test_client(), email, password)
    assert response.status_code == 400
    assert WRONG in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(app, staff, runner):
    assert runner.invoke(args=["users", "deactivate", "officer_boi@example.org"]).exit_code == 0
    assert sign_in(app.test_client(), "officer_boi").status_code == 400


@pytest.mark.parametrize("email", ["officer_boi", "nobody"])
def test_repeated_failures_are_throttled_per_account(database_url, email):
    from portal.staff.accounts import create_user
    from tests.factories import make_agency

    with temporary_app(
        database_url,
        RATELIMIT_ENABLED=True,
        LOGIN_ACCOUNT_LIMIT="3 per 15 minutes",
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
    ) as app:
        with database(app):
            make_agency("BOI", "PK")
            create_user("officer_boi@example.org", "officer", "BOI", PASSWORD)
        client = app.test_client()
        codes = [sign_in(client, email, "wrong password").status_code for _ in range(4)]
        # Even the right password waits now; another address from the same browser is not blocked.
        right = sign_in(client, email, PASSWORD).status_code
        other = sign_in(client, "someone-else", "x" * 12).status_code
        page = sign_in(client, email, "wrong password").get_data(as_text=True)
    assert codes == [400, 400, 400, 429]
    assert right == 429
    assert other == 400
    assert "Too many attempts" in page


def test_idle_session_expires(app, staff, signed_in):
    client = signed_in("curator_nia")
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    response = client.get("/admin/enquiries")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert "signed out after a time without activity" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/admin/enquiries").status_code == 302


def test_every_staff_post_needs_a_csrf_token(app, staff, signed_in):
    from tests.enquiries.conftest import send_enquiry
    from tests.factories import make_opportunity, make_sector, make_zone

    send_enquiry(app.test_client(), destination="pk")
    with database(app):
        listing = make_opportunity("a-listing", sector=make_sector())
        zone = make_zone("a-zone")
        reference = db.session.scalar(select(Enquiry.reference))
    client = signed_in("admin")
    urls = [
        "/admin/logout",
        "/admin/account",
        "/admin/users",
        f"/admin/users/{staff['officer_nia'].id}/active",
        f"/admin/users/{staff['officer_nia'].id}/two-factor/reset",
        "/admin/account/recovery-codes",
        "/admin/account/sign-out-everywhere",
        "/admin/login/code",
        "/admin/two-factor",
        "/admin/revisions/1/approve",
        "/admin/revisions/1/reject",
        f"/admin/enquiries/{reference}/status",
        f"/admin/enquiries/{reference}/notes",
        f"/admin/enquiries/{reference}/assign",
        "/admin/login",
        "/admin/opportunities/new",
        f"/admin/opportunities/{listing.id}",
        f"/admin/opportunities/{listing.id}/state",
        f"/admin/opportunities/{listing.id}/verify",
        f"/admin/opportunities/{listing.id}/attachments",
        f"/admin/opportunities/{listing.id}/attachments/1/delete",
        f"/admin/opportunities/{listing.id}/attachments/1/approve",
        "/admin/zones/new",
        f"/admin/zones/{zone.id}",
        "/admin/sectors/new",
        f"/admin/sectors/{listing.sector_id}",
        f"/admin/agencies/{listing.agency_id}",
        "/admin/synonyms",
        "/admin/synonyms/1",
        "/admin/sources/new",
        "/admin/sources/1",
        "/admin/agreements/new",
        "/admin/agreements/1",
        "/admin/trade-figures/new",
        "/admin/trade-figures/1",
        "/admin/guides/new",
        "/admin/guides/1",
        "/admin/incentive-rules/new",
        "/admin/incentive-rules/1",
    ]
    post_rules = {
        str(rule) for rule in app.url_map.iter_rules() if "POST" in rule.methods and str(rule).startswith("/admin")
    }
    assert len(post_rules) == len(urls), sorted(post_rules)  # a new POST route must be added here
    for url in urls:
        assert client.post(url, data={}).status_code in (400, 404), url
    with database(app):
        assert db.session.scalar(select(Enquiry.status)) == "new"
    assert client.get("/admin/").status_code == 200  # still signed in


def test_staff_area_speaks_the_users_language(app, staff, signed_in):
    client = signed_in("officer_nia")
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    response = client.post(
        "/admin/account",
        data={"account-csrf_token": token, "account-name": "Айгүл", "account-preferred_language": "ky"},
    )
    assert response.status_code == 303
    page = client.get("/admin/enquiries").get_data(as_text=True)
    assert '<html lang="ky" dir="ltr">' in page
    client_ur = signed_in("officer_boi")
    with database(app):
        db.session.get(User, staff["officer_boi"].id).preferred_language = "ur"
    assert '<html lang="ur" dir="rtl">' in client_ur.get("/admin/").get_data(as_text=True)


def test_change_password(app, staff, signed_in):
    client = signed_in("curator_boi")
    bad = change_password(client, "a brand new secret", current="nope")
    assert bad.status_code == 400
    good = change_password(client, "a brand new secret")
    assert good.status_code == 303
    assert sign_in(app.test_client(), "curator_boi", "a brand new secret").status_code == 303
    assert sign_in(app.test_client(), "curator_boi", PASSWORD).status_code == 400


def test_users_commands(app, runner):
    from tests.factories import make_agency

    with database(app):
        make_agency("NIA", "KG")
    created = runner.invoke(
        args=["users", "create", "--email", "Officer@NIA.example", "--role", "officer", "--agency", "NIA"],
        input="long enough secret\nlong enough secret\n",
    )
    assert created.exit_code == 0, created.output
    assert "Created officer officer@nia.example (NIA)" in created.output
    assert "long enough secret" not in created.output  # the prompt hides what is typed
    listed = runner.invoke(args=["users", "list"])
    assert "officer@nia.example\tofficer\tNIA\tactive" in listed.output
    for args, message in [
        (["--email", "x@example.org", "--role", "officer", "--password", "long enough secret"], "need --agency"),
        (
            ["--email", "x@example.org", "--role", "admin", "--agency", "NIA", "--password", "long enough secret"],
            "no agency",
        ),
        (
            [
                "--email",
                "officer@nia.example",
                "--role",
                "officer",
                "--agency",
                "NIA",
                "--password",
                "long enough secret",
            ],
            "already",
        ),
        (["--email", "y@example.org", "--role", "admin", "--password", "short"], "at least 12 characters"),
        (["--email", "y@example.org", "--role", "admin", "--password", "password1234"], "too easy to guess"),
    ]:
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    with database(app):
        user = db.session.scalar(select(User).where(User.email == "officer@nia.example"))
        assert user.check_password("long enough secret")


def test_admin_adds_and_deactivates_users_in_the_ui(app, staff, signed_in):
    client = signed_in("admin")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "name": "New",
            "role": "curator",
            "agency": "NIA",
            "password": "long enough secret",
        },
    )
    assert response.status_code == 303
    with database(app):
        user = db.session.scalar(select(User).where(User.email == "new@example.org"))
        assert user.agency.code == "NIA" and user.role == "curator"
    assert client.post(f"/admin/users/{user.id}/active", data={"csrf_token": token}).status_code == 303
    with database(app):
        assert db.session.get(User, user.id).active is False
    assert sign_in(app.test_client(), "new", "long enough secret").status_code == 400


def test_forbidden_page_speaks_the_users_language(app, staff, signed_in):
    with database(app):
        db.session.get(User, staff["curator_nia"].id).preferred_language = "ur"
    response = signed_in("curator_nia").get("/admin/users")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in page
    assert "You may not use this page" not in page


def test_session_cookie_lapses_with_the_idle_time(app, staff):
    response = sign_in(app.test_client(), "officer_boi")
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and app.permanent_session_lifetime.total_seconds() == 30 * 60
