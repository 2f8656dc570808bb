"""Signing in as an attacker would try it: unsafe `next` targets, copied cookies, parallel guessing, weak passwords."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from portal.core.extensions import db
from portal.staff.accounts import create_user
from portal.staff.models import AuditEntry, User
from tests.conftest import database, temporary_app
from tests.factories import make_agency
from tests.staff.accounts import PASSWORD, change_password, csrf_from, sign_in


def sign_in_to(client, target: str, email: str = "officer_boi@example.org"):
    page = client.get("/admin/login").get_data(as_text=True)
    return client.post(
        "/admin/login",
        query_string={"next": target},
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(page)},
    )


@pytest.mark.parametrize(
    "target",
    [
        "/admin/enquiries\r\nSet-Cookie: evil=1",
        "/admin/\x01enquiries",
        "/admin/\x7fenquiries",
        "/admin/\tenquiries",
        "//evil.example/admin",
        "/admin\\..\\\\evil.example",
        "https://evil.example/admin",
        "/en/opportunities",
    ],
)
def test_unsafe_next_targets_lead_to_the_dashboard(app, staff, target):
    response = sign_in_to(app.test_client(), target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"


def test_a_safe_next_target_is_followed(app, staff):
    response = sign_in_to(app.test_client(), "/admin/enquiries?status=new")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/enquiries?status=new"


# Finding 3: sessions survive sign-out.


def copied_session(app, key: str):
    """A signed-in client, and a second client carrying a copy of its session cookie (a stolen cookie)."""
    client = app.test_client()
    assert sign_in(client, key).status_code == 303
    thief = app.test_client()
    cookie = client.get_cookie("session", domain="portal.test")
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    assert thief.get("/admin/enquiries").status_code == 200
    return client, thief


def test_a_copied_cookie_stops_working_after_sign_out(app, staff):
    client, thief = copied_session(app, "officer_boi")
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert thief.get("/admin/enquiries").status_code == 302


def test_a_copied_cookie_stops_working_after_a_password_change_but_the_user_stays_in(app, staff):
    client, thief = copied_session(app, "curator_boi")
    response = change_password(client, "a brand new secret")
    assert response.status_code == 303
    assert thief.get("/admin/enquiries").status_code == 302
    assert client.get("/admin/enquiries").status_code == 200


def test_a_copied_cookie_stops_working_after_deactivation(app, staff, signed_in):
    _, thief = copied_session(app, "officer_nia")
    admin = signed_in("admin")
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    assert admin.post(f"/admin/users/{staff['officer_nia'].id}/active", data={"csrf_token": token}).status_code == 303
    assert thief.get("/admin/enquiries").status_code == 302


def test_a_copied_cookie_stays_dead_when_the_account_is_reactivated(app, staff, signed_in):
    """Flask-Login already refuses an inactive user; without a session version, reactivation revived old cookies."""
    _, thief = copied_session(app, "officer_nia")
    admin = signed_in("admin")
    token = csrf_from(admin.get("/admin/users").get_data(as_text=True))
    url = f"/admin/users/{staff['officer_nia'].id}/active"
    assert admin.post(url, data={"csrf_token": token}).status_code == 303
    assert admin.post(url, data={"csrf_token": token, "active": "y"}).status_code == 303
    assert thief.get("/admin/enquiries").status_code == 302
    assert sign_in(app.test_client(), "officer_nia").status_code == 303  # the account itself works again


def test_a_copied_cookie_stops_working_after_the_users_commands_deactivate(app, staff, runner):
    _, thief = copied_session(app, "officer_nia")
    assert runner.invoke(args=["users", "deactivate", "officer_nia@example.org"]).exit_code == 0
    assert thief.get("/admin/enquiries").status_code == 302


def test_sign_out_everywhere_ends_every_session(app, staff):
    client, thief = copied_session(app, "officer_boi")
    laptop = app.test_client()
    assert sign_in(laptop, "officer_boi").status_code == 303
    page = client.get("/admin/account").get_data(as_text=True)
    assert "Sign out everywhere" in page
    response = client.post("/admin/account/sign-out-everywhere", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"
    assert "signed out on every device" in client.get("/admin/login").get_data(as_text=True)
    for browser in (client, thief, laptop):
        assert browser.get("/admin/enquiries").status_code == 302
    with database(app):
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "logout.everywhere"


def test_signing_in_starts_a_new_session(app, staff):
    client = app.test_client()
    client.get("/admin/login")
    before = client.get_cookie("session", domain="portal.test").value
    token_before = csrf_from(client.get("/admin/login").get_data(as_text=True))
    assert sign_in(client, "officer_boi").status_code == 303
    assert client.get_cookie("session", domain="portal.test").value != before
    assert csrf_from(client.get("/admin/account").get_data(as_text=True)) != token_before


# Finding 4: the sign-in throttle could be raced.


def test_parallel_guesses_are_counted_before_they_are_checked(database_url):
    """Fifteen wrong passwords at once against a limit of five: five are checked, ten are refused unchecked."""
    with temporary_app(
        database_url,
        RATELIMIT_ENABLED=True,
        LOGIN_ACCOUNT_LIMIT="5 per 15 minutes",
        LOGIN_IP_LIMIT="100 per 15 minutes",
        PASSWORD_HASH_METHOD="scrypt",  # slow on purpose: the race needs time to happen in
    ) as app:
        with database(app):
            make_agency("BOI", "PK")
            create_user("officer_boi@example.org", "officer", "BOI", PASSWORD)
        forms = []
        for _ in range(15):
            client = app.test_client()
            forms.append((client, csrf_from(client.get("/admin/login").get_data(as_text=True))))
        start = threading.Barrier(15)
        codes: list[int] = []

        def guess(client, token):
            start.wait()
            data = {"email": "officer_boi@example.org", "password": "wrong guess", "csrf_token": token}
            codes.append(client.post("/admin/login", data=data).status_code)

        threads = [threading.Thread(target=guess, args=form) for form in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with database(app):
            checked = db.session.scalar(select(func.count()).where(AuditEntry.action == "login.failed"))
        # A right password now waits too, and a success gives its attempt back.
        right = sign_in(app.test_client(), "officer_boi").status_code
    assert sorted(codes) == [400] * 5 + [429] * 10
    assert checked == 5
    assert right == 429


def test_a_successful_sign_in_does_not_count_against_the_limit(database_url):
    with temporary_app(database_url, RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_LIMIT="2 per 15 minutes") as app:
        with database(app):
            make_agency("BOI", "PK")
            create_user("officer_boi@example.org", "officer", "BOI", PASSWORD)
        codes = [sign_in(app.test_client(), "officer_boi").status_code for _ in range(4)]
        codes += [sign_in(app.test_client(), "officer_boi", "wrong one").status_code for _ in range(3)]
    assert codes == [303] * 4 + [400, 400, 429]


# Finding 13: weak passwords were accepted.


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1234567890", "at least 12 characters"),
        ("123456789012", "sequence"),
        ("password1234", "common password"),
        ("asdfghjkl;123", "next to each other"),
        ("aaaaaaaaaaaaaa", "repeats"),
        ("investmentportal", "common password, word or name"),
        ("curator_boi1", "too easy to guess"),
    ],
)
def test_weak_new_passwords_are_refused_with_a_reason(app, staff, signed_in, password, reason):
    client = signed_in("curator_boi")
    response = change_password(client, password)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert sign_in(app.test_client(), "curator_boi", password).status_code == 400


def test_a_passphrase_longer_than_the_estimator_takes_is_accepted(app, staff, signed_in):
    """zxcvbn refuses to rate more than 72 characters; a longer passphrase was a 500."""
    passphrase = "violet tractors sing under the Bishkek rain while seven herons count apricots at dawn"
    assert len(passphrase) > 72
    assert change_password(signed_in("curator_boi"), passphrase).status_code == 303
    assert sign_in(app.test_client(), "curator_boi", passphrase).status_code == 303
    too_long = change_password(signed_in("curator_nia"), passphrase * 3)
    assert too_long.status_code == 400
    assert "Please use at most 200 characters." in too_long.get_data(as_text=True)


def test_the_reason_is_given_in_the_users_language(app, staff, signed_in):
    with database(app):
        db.session.get(User, staff["admin"].id).preferred_language = "ru"
    client = signed_in("admin")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "role": "admin",
            "agency": "",
            "password": "password1234",
        },
    )
    assert response.status_code == 400
    assert "Этот пароль слишком легко угадать." in response.get_data(as_text=True)


def test_the_user_is_told_by_mail_when_their_password_changes(app, staff, signed_in):
    """ASVS 2.2.3: a change the user did not make is seen; the mail carries no secret."""
    from portal.mail.models import OutboxMessage

    with database(app):
        db.session.get(User, staff["curator_boi"].id).preferred_language = "ru"
    change_password(signed_in("curator_boi"), "a brand new secret")
    with database(app):
        (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "security")).all()
    assert mail.recipient == "curator_boi@example.org" and mail.lang == "ru"
    assert "Пароль вашей учётной записи сотрудника изменён." in mail.text_body
    assert "http://portal.test/admin/account" in mail.text_body
    assert "a brand new secret" not in mail.text_body + mail.html_body
