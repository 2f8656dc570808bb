"""In Chromium: an officer enrols an authenticator app, signs in with a code and with a recovery code,
loses the phone, and an administrator resets the second factor so that the officer enrols again."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import expect

from portal.staff.accounts import create_user
from tests.conftest import database
from tests.factories import make_agency

PASSWORD = "correct horse battery"


def password_step(page, email: str) -> None:
    page.goto("/admin/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # the keyboard is enough


def enrol(page) -> tuple[str, list[str]]:
    """Read the key beside the QR code as a phone would scan it, confirm with a code; returns key and codes."""
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="I have saved my codes — continue").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return secret, codes


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/admin/login"))


def test_enrol_sign_in_with_a_recovery_code_and_reset(live_app, page):
    live_app.config["STAFF_TWO_FACTOR"] = "required"
    with database(live_app):
        make_agency("BOI", "PK")
        create_user("officer@boi.example", "officer", "BOI", PASSWORD)
        create_user("admin@example.org", "admin", None, PASSWORD)

    # First sign-in: the password leads to enrolment, not to the staff area.
    password_step(page, "officer@boi.example")
    page.wait_for_url(re.compile(r"/admin/two-factor$"))
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/admin/login"))
    password_step(page, "officer@boi.example")
    secret, codes = enrol(page)
    assert len(codes) == 10
    sign_out(page)

    # A recovery code instead of the phone's code; it is spent.
    password_step(page, "officer@boi.example")
    page.wait_for_url(re.compile(r"/admin/login/code$"))
    page.get_by_label("Code").fill(codes[0])
    page.get_by_label("Code").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("You signed in with a recovery code; 9 are left.")).to_be_visible()
    sign_out(page)
    password_step(page, "officer@boi.example")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This code is not right, or it has been used already.")).to_be_visible()

    # The phone is lost: an administrator (with a second factor of their own) resets the officer's.
    page.context.clear_cookies()
    password_step(page, "admin@example.org")
    enrol(page)
    page.goto("/admin/users")
    row = page.get_by_role("row").filter(has_text="officer@boi.example")
    expect(row.get_by_role("cell", name="On")).to_have_count(1)
    row.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("The second factor of officer@boi.example has been reset.")).to_be_visible()
    sign_out(page)

    # The officer sets up the app again at the next sign-in; the old key is forgotten.
    password_step(page, "officer@boi.example")
    page.wait_for_url(re.compile(r"/admin/two-factor$"))
    new_secret, _ = enrol(page)
    assert new_secret != secret
