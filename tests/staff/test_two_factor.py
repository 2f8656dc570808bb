"""Two-step sign-in for staff (STAFF_TWO_FACTOR=required, the default): enrolment, codes, recovery codes, reset."""

from __future__ import annotations

import re
import threading
import time
from datetime import date, datetime

import pyotp
import pytest
from babel.dates import format_date
from sqlalchemy import select

from portal.core.extensions import db
from portal.staff import two_factor
from portal.staff.models import AuditEntry, User
from tests.conftest import database, temporary_app
from tests.staff.accounts import ACCOUNTS, create_staff, csrf_from, sign_in


@pytest.fixture
def app(database_url):
    with temporary_app(database_url, STAFF_TWO_FACTOR="required") as app:
        yield app


def enrol(client, page: str | None = None) -> tuple[str, list[str]]:
    """Scan the QR code (read the key beside it), type the current code; returns the secret and recovery codes."""
    page = page or client.get("/admin/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret" dir="ltr">([A-Z2-7]+)</code>', page).group(1)
    response = client.post("/admin/two-factor", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    codes = re.findall(r"<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>", response.get_data(as_text=True))
    return secret, codes


def send_code(client, code: str):
    page = client.get("/admin/login/code").get_data(as_text=True)
    return client.post("/admin/login/code", data={"csrf_token": csrf_from(page), "code": code})


def test_first_sign_in_enrols_then_signs_in(app, staff):
    client = app.test_client()
    response = sign_in(client, "officer_boi")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/two-factor"
    assert client.get("/admin/").status_code == 302  # the password alone is not enough
    page = client.get("/admin/two-factor").get_data(as_text=True)
    assert '<svg role="img"' in page and "<title>" in page  # the QR code, drawn on the server
    assert "<script" not in page
    secret, codes = enrol(client, page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200
    with database(app):
        user = db.session.scalar(select(User).where(User.email == "officer_boi@example.org"))
        assert user.totp_secret == secret and user.has_two_factor
        stored = [code.code_hash for code in user.recovery_codes]
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert all(code.replace("-", "") not in " ".join(stored) for code in codes)  # only hashes are kept
    assert actions[-2:] == ["user.two_factor", "login"]


def test_a_wrong_code_at_enrolment_turns_nothing_on(app, staff):
    client = app.test_client()
    sign_in(client, "officer_boi")
    page = client.get("/admin/two-factor").get_data(as_text=True)
    response = client.post("/admin/two-factor", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert response.status_code == 400
    assert "This code is not right" in response.get_data(as_text=True)
    with database(app):
        assert db.session.scalar(select(User.two_factor_since).where(User.email == "officer_boi@example.org")) is None


@pytest.fixture
def enrolled(app, staff):
    """Every account has set up its authenticator app; gives {key: secret}."""
    secrets = {}
    for key in ACCOUNTS:
        client = app.test_client()
        sign_in(client, key)
        secrets[key], _ = enrol(client)
    # Codes are good once: wait for the next time step before the tests sign in again.
    with database(app):
        db.session.execute(User.__table__.update().values(totp_last_step=User.totp_last_step - 2))
    return secrets


def test_sign_in_asks_for_the_code_and_refuses_a_reused_one(app, enrolled):
    client = app.test_client()
    response = sign_in(client, "curator_nia")
    assert response.headers["Location"] == "/admin/login/code"
    code = pyotp.TOTP(enrolled["curator_nia"]).now()
    assert send_code(client, "123456").status_code == 400
    assert send_code(client, code).status_code == 303
    assert client.get("/admin/").status_code == 200
    # The same code, seen over a shoulder, does not sign in a second time.
    other = app.test_client()
    sign_in(other, "curator_nia")
    refused = send_code(other, code)
    assert refused.status_code == 400
    assert "it has been used already" in refused.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(app, staff):
    client = app.test_client()
    sign_in(client, "admin")
    _, codes = enrol(client)
    for attempt, expected in ((codes[3], 303), (codes[3], 400), (codes[4].lower().replace("-", " "), 303)):
        browser = app.test_client()
        sign_in(browser, "admin")
        assert send_code(browser, attempt).status_code == expected
    page = browser.get("/admin/account").get_data(as_text=True)
    assert "8 recovery codes left" in page


def test_the_code_step_cannot_be_skipped_or_reached_without_the_password(app, enrolled):
    client = app.test_client()
    assert client.get("/admin/login/code").status_code == 302
    assert client.get("/admin/two-factor").status_code == 302
    token = csrf_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login/code", data={"csrf_token": token, "code": pyotp.TOTP(enrolled["admin"]).now()})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/login"
    assert client.get("/admin/").status_code == 302


def test_guessing_codes_is_throttled(database_url):
    with temporary_app(database_url, STAFF_TWO_FACTOR="required", RATELIMIT_ENABLED=True) as app:
        create_staff(app)
        client = app.test_client()
        sign_in(client, "officer_boi")
        enrol(client)
        browser = app.test_client()
        sign_in(browser, "officer_boi")
        codes = [send_code(browser, f"{n:06d}").status_code for n in range(6)]
    assert codes == [400] * 5 + [429]


def test_an_administrator_resets_a_lost_second_factor(app, enrolled, signed_in):
    admin = app.test_client()
    sign_in(admin, "admin")
    assert send_code(admin, pyotp.TOTP(enrolled["admin"]).now()).status_code == 303
    page = admin.get("/admin/users").get_data(as_text=True)
    with database(app):
        officer = db.session.scalar(select(User).where(User.email == "officer_boi@example.org"))
    response = admin.post(f"/admin/users/{officer.id}/two-factor/reset", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    with database(app):
        officer = db.session.get(User, officer.id)
        assert officer.totp_secret is None and officer.recovery_codes == []
        entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert (entry.action, entry.object_key) == ("user.two_factor_reset", "officer_boi@example.org")
    # The officer enrols again at the next sign-in.
    client = app.test_client()
    assert sign_in(client, "officer_boi").headers["Location"] == "/admin/two-factor"


def test_codes_are_good_once_and_within_one_step_of_now():
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)
    now = time.time()
    step = int(now // 30)
    assert two_factor.accepted_step(secret, totp.at(now), None, now) == step
    assert two_factor.accepted_step(secret, totp.at(now - 30), None, now) == step - 1
    assert two_factor.accepted_step(secret, totp.at(now - 90), None, now) is None
    assert two_factor.accepted_step(secret, totp.at(now), step, now) is None  # used already
    assert two_factor.accepted_step(secret, "12345", None, now) is None


def test_one_code_sent_from_several_browsers_at_once_signs_in_once(postgres_database):
    """The code's time step is taken in one UPDATE, so parallel use of one code (on PostgreSQL) succeeds once."""
    with temporary_app(postgres_database, STAFF_TWO_FACTOR="required") as app:
        create_staff(app)
        first = app.test_client()
        sign_in(first, "officer_boi")
        secret, _ = enrol(first)
        with database(app):
            db.session.execute(User.__table__.update().values(totp_last_step=None))
        browsers = []
        for _ in range(6):
            browser = app.test_client()
            sign_in(browser, "officer_boi")
            browsers.append((browser, csrf_from(browser.get("/admin/login/code").get_data(as_text=True))))
        code = pyotp.TOTP(secret).now()
        start = threading.Barrier(len(browsers))
        codes: list[int] = []

        def send(browser, token):
            start.wait()
            codes.append(browser.post("/admin/login/code", data={"csrf_token": token, "code": code}).status_code)

        threads = [threading.Thread(target=send, args=pair) for pair in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(codes) == [303] + [400] * 5


def test_the_new_secret_never_travels_in_the_session_cookie(app, staff):
    client = app.test_client()
    sign_in(client, "officer_boi")
    page = client.get("/admin/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret" dir="ltr">([A-Z2-7]+)</code>', page).group(1)
    cookie = client.get_cookie("session", domain="portal.test").value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert secret not in str(session)


def test_from_the_account_page_setting_up_and_renewing_codes_ask_for_the_password(database_url):
    """A stolen session alone must not put the thief's phone on the account, nor take its recovery codes."""
    with temporary_app(database_url, STAFF_TWO_FACTOR="optional") as app:
        create_staff(app)
        client = app.test_client()
        assert sign_in(client, "curator_boi").status_code == 303
        page = client.get("/admin/two-factor").get_data(as_text=True)
        secret = re.search(r'<code class="secret" dir="ltr">([A-Z2-7]+)</code>', page).group(1)
        data = {"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()}
        refused = client.post("/admin/two-factor", data={**data, "password": "not it at all"})
        assert refused.status_code == 400 and "This is not your current password." in refused.get_data(as_text=True)
        done = client.post("/admin/two-factor", data={**data, "password": "correct horse battery"})
        assert done.status_code == 200 and "Your recovery codes" in done.get_data(as_text=True)

        page = client.get("/admin/account").get_data(as_text=True)
        token = csrf_from(page)
        wrong = client.post("/admin/account/recovery-codes", data={"reauth-csrf_token": token, "reauth-password": "x"})
        assert wrong.status_code == 303
        assert "This is not your current password." in client.get("/admin/account").get_data(as_text=True)
        right = client.post(
            "/admin/account/recovery-codes",
            data={"reauth-csrf_token": token, "reauth-password": "correct horse battery"},
        )
        assert right.status_code == 200 and "Your recovery codes" in right.get_data(as_text=True)


def test_setting_up_and_resetting_the_second_factor_are_told_by_mail(app, enrolled, signed_in):
    from portal.mail.models import OutboxMessage

    admin = app.test_client()
    sign_in(admin, "admin")
    send_code(admin, pyotp.TOTP(enrolled["admin"]).now())
    page = admin.get("/admin/users").get_data(as_text=True)
    with database(app):
        officer = db.session.scalar(select(User).where(User.email == "officer_boi@example.org"))
    admin.post(f"/admin/users/{officer.id}/two-factor/reset", data={"csrf_token": csrf_from(page)})
    with database(app):
        notices = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == "officer_boi@example.org")
            .order_by(OutboxMessage.id)  # PostgreSQL returns rows in no particular order without one
        ).all()
    assert [m.kind for m in notices] == ["security", "security"]
    assert "Two-step sign-in was set up" in notices[0].text_body
    assert "An administrator reset the two-step sign-in" in notices[1].text_body
    assert enrolled["officer_boi"] not in notices[0].text_body + notices[0].html_body


@pytest.mark.parametrize("lang", ["en", "ur", "ru", "ky"])
def test_the_account_page_says_since_when_with_one_full_stop(app, staff, lang):
    """Russian dates end in "г.": «…7 дек. 2026 г.», never «г..»."""
    client = app.test_client()
    sign_in(client, "officer_boi")
    enrol(client)
    with database(app):
        user = db.session.scalar(select(User).where(User.email == "officer_boi@example.org"))
        user.preferred_language = lang
        user.two_factor_since = datetime(2026, 12, 7, 9, 30)
    page = client.get("/admin/account").get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    assert format_date(date(2026, 12, 7), "medium", locale=lang) in page
    assert not re.search(r"(?<![.…])\.\.(?!\.)", page)
