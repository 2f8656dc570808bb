"""Staff accounts of every kind, and signing in as one of them (fixtures for every feature's tests)."""

from __future__ import annotations

import re

import pytest

from portal.staff.accounts import create_user
from tests.conftest import database
from tests.factories import make_agency

PASSWORD = "correct horse battery"
ACCOUNTS = {
    "officer_boi": ("officer", "BOI"),
    "officer_nia": ("officer", "NIA"),
    "curator_boi": ("curator", "BOI"),
    "curator_nia": ("curator", "NIA"),
    "admin": ("admin", None),
}


def create_staff(app) -> dict:
    """The agencies and one account of each kind in ACCOUNTS, all with PASSWORD."""
    with database(app):
        make_agency("BOI", "PK")
        make_agency("NIA", "KG")
        return {
            key: create_user(f"{key}@example.org", role, agency, PASSWORD, name=key.replace("_", " ").title())
            for key, (role, agency) in ACCOUNTS.items()
        }


@pytest.fixture
def staff(app):
    return create_staff(app)


def csrf_from(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, key: str, password: str = PASSWORD):
    page = client.get("/admin/login").get_data(as_text=True)
    return client.post(
        "/admin/login",
        data={
            "email": key if "@" in key else f"{key}@example.org",
            "password": password,
            "csrf_token": csrf_from(page),
        },
    )


def change_password(client, new: str, current: str = PASSWORD):
    """Change the signed-in user's password on the account page, as a browser does."""
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    data = {"password-csrf_token": token, "password-current": current, "password-new": new, "password-confirm": new}
    return client.post("/admin/account", data=data)


@pytest.fixture
def signed_in(app, staff):
    """A function giving a test client signed in as one of the ACCOUNTS."""

    def make(key: str):
        client = app.test_client()
        response = sign_in(client, key)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client

    return make
