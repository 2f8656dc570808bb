"""Brochures and pictures: checked by content, kept in the database, served so browsers cannot be fooled."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.catalogue.files import clean_filename, detect
from portal.catalogue.models import Attachment, Opportunity
from portal.core.extensions import db
from tests.conftest import database
from tests.factories import make_opportunity, make_sector
from tests.staff.accounts import csrf_from

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def listing(app, staff):
    with database(app):
        return make_opportunity(
            "bostan-halal-plant",
            sector=make_sector(),
            texts={"en": {"title": "Halal plant", "summary": "s", "body": "b"}},
        )


def attachments(app) -> list[Attachment]:
    """What is stored now."""
    with database(app):
        return list(db.session.scalars(select(Attachment)))


def upload(client, item, name, data, token_page="/admin/account"):
    token = csrf_from(client.get(token_page).get_data(as_text=True))
    return client.post(
        f"/admin/opportunities/{item.id}/attachments",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def approve(client, item, file):
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    return client.post(f"/admin/opportunities/{item.id}/attachments/{file.id}/approve", data={"csrf_token": token})


def test_a_file_added_to_a_published_listing_waits_for_a_second_person(app, signed_in, listing):
    curator = signed_in("curator_boi")
    assert upload(curator, listing, "Brochure.pdf", PDF).status_code == 303
    (file,) = attachments(app)
    public = app.test_client()
    assert "Brochure.pdf" not in public.get("/en/opportunities/bostan-halal-plant").get_data(as_text=True)
    assert public.get(f"/en/opportunities/bostan-halal-plant/files/{file.id}/x").status_code == 404
    editor = curator.get(f"/admin/opportunities/{listing.id}").get_data(as_text=True)
    assert "Waiting for review" in editor
    assert "Brochure.pdf" in signed_in("admin").get("/admin/revisions").get_data(as_text=True)
    assert approve(curator, listing, file).status_code == 403  # not the one who added it
    assert approve(signed_in("curator_nia"), listing, file).status_code == 404  # another agency's listing
    assert approve(signed_in("admin"), listing, file).status_code == 303
    assert "Brochure.pdf" in public.get("/en/opportunities/bostan-halal-plant").get_data(as_text=True)
    response = public.get(f"/en/opportunities/bostan-halal-plant/files/{file.id}/x")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=300"
    with database(app):
        from portal.staff.models import AuditEntry

        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "attachment.approve"


def test_pdf_is_attached_and_served_safely(app, signed_in, listing):
    curator = signed_in("curator_boi")
    assert upload(curator, listing, "../../etc/Brochure 2026.PDF", PDF).status_code == 303
    (file,) = attachments(app)
    assert file.filename == "Brochure 2026.pdf" and file.content_type == "application/pdf"
    assert approve(signed_in("admin"), listing, file).status_code == 303
    page = app.test_client().get("/en/opportunities/bostan-halal-plant").get_data(as_text=True)
    assert "Brochure 2026.pdf" in page
    response = app.test_client().get(f"/en/opportunities/bostan-halal-plant/files/{file.id}/x")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name, data",
    [
        ("brochure.pdf", b"MZ\x90\x00 this is a program"),  # the name says PDF, the content does not
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("empty.pdf", b""),
    ],
)
def test_files_are_checked_by_content(app, signed_in, listing, name, data):
    response = upload(signed_in("curator_boi"), listing, name, data)
    assert response.status_code == 303
    assert attachments(app) == []


def test_too_large_is_a_413(app, signed_in, listing):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    response = upload(signed_in("curator_boi"), listing, "big.pdf", PDF + b"0" * 200_000)
    assert response.status_code == 413
    assert attachments(app) == []


def test_only_the_owning_agency_attaches(app, signed_in, listing):
    assert upload(signed_in("curator_nia"), listing, "b.pdf", PDF).status_code == 404
    assert upload(signed_in("officer_boi"), listing, "b.pdf", PDF).status_code == 403
    assert attachments(app) == []


def test_a_drafts_files_are_not_public(app, signed_in, listing):
    curator = signed_in("curator_boi")
    upload(curator, listing, "plan.png", PNG)
    with database(app):
        db.session.get(Opportunity, listing.id).state = "draft"
    (file,) = attachments(app)
    assert app.test_client().get(f"/en/opportunities/bostan-halal-plant/files/{file.id}/plan.png").status_code == 404
    assert curator.get(f"/en/opportunities/bostan-halal-plant/files/{file.id}/plan.png").status_code == 200


def test_removing_an_attachment(app, signed_in, listing):
    curator = signed_in("curator_boi")
    upload(curator, listing, "plan.png", PNG)
    (file,) = attachments(app)
    token = csrf_from(curator.get("/admin/account").get_data(as_text=True))
    response = curator.post(
        f"/admin/opportunities/{listing.id}/attachments/{file.id}/delete", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert attachments(app) == []


@pytest.mark.parametrize(
    "data, expected",
    [
        (PDF, ("application/pdf", "pdf")),
        (PNG, ("image/png", "png")),
        (b"\xff\xd8\xff\xe0JFIF", ("image/jpeg", "jpg")),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ("image/webp", "webp")),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_detect(data, expected):
    assert detect(data) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("..\\..\\win.ini", "win.pdf"),
        ("Отчёт 2026.pdf", "Отчёт 2026.pdf"),
        ("a\nb<script>.pdf", "a_b_script.pdf"),
        ("", "file.pdf"),
    ],
)
def test_clean_filename(name, expected):
    assert clean_filename(name, "pdf") == expected
