"""Signing in as an attacker would try it: unsafe `next` targets, copied cookies, parallel guessing, weak passwords."""

from __future__ import annotations

import pytest

from tests.staff.accounts import PASSWORD, csrf_from


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
