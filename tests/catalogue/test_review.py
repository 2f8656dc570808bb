"""Finding 2: a change to what the public sees waits for a second person, shown to them as a diff in every language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.catalogue.models import Opportunity, Revision, Sector, Zone
from portal.core.extensions import db
from portal.staff.accounts import create_user
from portal.staff.models import AuditEntry
from tests.catalogue.test_curation import act, listing_form, new_curator, stored_listing
from tests.conftest import database, reload
from tests.factories import make_sector, make_zone
from tests.staff.accounts import PASSWORD, csrf_from, sign_in

PUBLIC = "/en/opportunities/sialkot-surgical-steel"


@pytest.fixture
def sector(app, staff):
    with database(app):
        return make_sector("textiles", {"en": "Textiles"})


@pytest.fixture
def published(app, signed_in, sector):
    """A listing written by curator_boi and published by the administrator."""
    writer = signed_in("curator_boi")
    assert listing_form(writer, sector).status_code == 303
    item = stored_listing(app)
    act(writer, item, "submit")
    act(signed_in("admin"), item, "publish")
    assert reload(app, item).state == "published"
    return item


def editor_data(client, url: str) -> tuple[str, dict]:
    """An editor's page, and its form as a browser would submit it unchanged: every field as shown."""
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page)}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and ('type="checkbox"' not in tag or "checked" in tag):
            data.setdefault(name.group(1), value.group(1))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[name] = body
    for name, value in re.findall(r'<select[^>]*name="([^"]+)".*?<option selected value="([^"]*)"', page, re.S):
        data[name] = value
    return page, data


def edit_form(client, item, **changes):
    """The listing's editor as a browser submits it: every field as shown, with ``changes``."""
    _, data = editor_data(client, f"/admin/opportunities/{item.id}")
    data.update(changes)
    return client.post(f"/admin/opportunities/{item.id}", data={k: v for k, v in data.items() if v is not None})


def second_admin(app):
    """Another administrator than the ``admin`` account, signed in."""
    with database(app):
        create_user("second-admin@example.org", "admin", None, PASSWORD)
    client = app.test_client()
    sign_in(client, "second-admin@example.org")
    return client


def decide(client, revision_url: str, decision: str, version: str | None = None):
    """Approve or reject as the reviewer does: from the page, which names the version it shows."""
    page = client.get(revision_url).get_data(as_text=True)
    shown = re.search(r'name="version" value="(\d+)"', page)
    data = {"csrf_token": csrf_from(page), "version": version or (shown.group(1) if shown else "1")}
    return client.post(f"{revision_url}/{decision}", data=data)


def test_an_edit_to_a_published_listing_waits_for_a_second_curator(app, signed_in, published):
    writer = signed_in("curator_boi")
    response = edit_form(
        writer,
        published,
        **{
            "max_usd": "9000000",
            "text_en-title": "Surgical steel works in Sialkot, enlarged",
            "text_ru-summary": "Инструменты на экспорт в Европу.",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    revision_url = response.headers["Location"]
    assert re.fullmatch(r"/admin/revisions/\d+", revision_url)

    # The public keeps seeing the published version.
    public = app.test_client().get(PUBLIC).get_data(as_text=True)
    assert "Surgical steel works in Sialkot" in public and "enlarged" not in public
    assert reload(app, published).max_usd == 6000000

    # The reviewer's diff: the facts, and each language's texts, what goes and what comes.
    page = signed_in("curator_boi").get(revision_url).get_data(as_text=True)
    assert "Investment up to (US dollars)" in page
    assert "<del>$6M</del>" in page and "<ins>$9M</ins>" in page
    assert re.search(r"<ins><span class=\"visually-hidden\">Added: </span>, enlarged</ins>", page)
    added = '<ins><span class="visually-hidden">Added: </span> в Европу</ins>.'
    assert f'<dd class="diff-text" lang="ru" dir="ltr">Инструменты на экспорт{added}</dd>' in page
    sections = re.findall(r'<h2 id="texts-(\w+)-title"', page)
    assert sections == ["en", "ur", "ru", "ky"]
    assert "Approve and publish" not in page  # the writer cannot approve their own change
    assert decide(writer, revision_url, "approve").status_code == 403
    assert signed_in("curator_nia").get(revision_url).status_code == 404  # another agency's change
    assert signed_in("officer_boi").get(revision_url).status_code == 403

    reviewer = new_curator(app, "reviewer@example.org")
    assert "Approve and publish" in reviewer.get(revision_url).get_data(as_text=True)
    assert decide(reviewer, revision_url, "approve").status_code == 303
    public = app.test_client().get(PUBLIC).get_data(as_text=True)
    assert "Surgical steel works in Sialkot, enlarged" in public
    item = reload(app, published)
    assert item.max_usd == 9000000 and item.state == "published"
    with database(app):
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_key == item.slug).order_by(AuditEntry.id)
        ).all()
        approver = entries[-1].user.email
        revision = db.session.scalar(select(Revision))
        decided_by = revision.decided_by.email
    assert [e.action for e in entries][-2:] == ["opportunity.revision", "opportunity.approve"]
    assert entries[-1].changes["max_usd"] == [6000000, 9000000]
    assert approver == decided_by == "reviewer@example.org"
    assert revision.state == "approved"
    assert "Approve and publish" not in reviewer.get(revision_url).get_data(as_text=True)  # decided once


def test_a_rejected_change_leaves_the_public_version(app, signed_in, published):
    response = edit_form(signed_in("curator_boi"), published, **{"text_en-title": "Something else entirely"})
    revision_url = response.headers["Location"]
    assert decide(signed_in("admin"), revision_url, "reject").status_code == 303
    assert "Something else entirely" not in app.test_client().get(PUBLIC).get_data(as_text=True)
    with database(app):
        assert db.session.scalar(select(Revision.state)) == "rejected"
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "opportunity.reject"


def test_editing_again_updates_the_waiting_change_and_its_author_cannot_approve(app, signed_in, published):
    writer = signed_in("curator_boi")
    first = edit_form(writer, published, **{"text_en-title": "First wording"}).headers["Location"]
    # The editor shows the change waiting, and saving again updates that same change.
    page = writer.get(f"/admin/opportunities/{published.id}").get_data(as_text=True)
    assert "A change to this item is waiting for review" in page and 'value="First wording"' in page
    colleague = new_curator(app, "colleague@example.org")
    second = edit_form(colleague, published, **{"text_en-title": "Second wording"}).headers["Location"]
    assert first == second
    with database(app):
        revision = db.session.scalar(select(Revision))
        assert revision.texts["en"]["title"] == "Second wording"
    # Both wrote part of it: neither may approve; a third curator may.
    assert decide(colleague, first, "approve").status_code == 403
    assert decide(new_curator(app, "third@example.org"), first, "approve").status_code == 303
    assert "Second wording" in app.test_client().get(PUBLIC).get_data(as_text=True)


def test_an_unchanged_save_makes_no_revision(app, signed_in, published):
    response = edit_form(signed_in("curator_boi"), published)
    assert response.status_code == 303 and response.headers["Location"].startswith("/admin/opportunities/")
    with database(app):
        assert db.session.scalar(select(Revision)) is None


def test_an_edit_during_review_sends_the_listing_back_to_draft(app, signed_in, sector):
    writer = signed_in("curator_boi")
    listing_form(writer, sector)
    item = stored_listing(app)
    act(writer, item, "submit")
    reviewer = new_curator(app, "reviewer@example.org")
    response = edit_form(writer, item, **{"text_en-title": "Changed after submitting"})
    assert response.status_code == 303
    assert reload(app, item).state == "draft"
    assert act(reviewer, item, "publish").status_code == 303
    assert reload(app, item).state == "draft"  # nothing to publish until it is submitted again
    with database(app):
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "opportunity.edit").order_by(AuditEntry.id.desc())
        )
    assert entry.changes["state"] == ["in_review", "draft"]


def test_zone_and_sector_edits_wait_for_review(app, signed_in, staff):
    with database(app):
        zone = make_zone("naryn-fez", country="KG", name="Naryn FEZ")
        zone.agency_id = staff["curator_nia"].agency_id
        sector = make_sector("energy", {"en": "Energy"})
    curator = signed_in("curator_nia")
    page = curator.get(f"/admin/zones/{zone.id}").get_data(as_text=True)
    assert "what you save is published once another curator" in page
    data = {"csrf_token": csrf_from(page)}
    data.update(dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)))
    data.update(re.findall(r'<select[^>]*name="([^"]+)".*?<option selected value="([^"]*)"', page, re.S))
    data["text_en-name"] = "Naryn Free Economic Zone"
    revision_url = curator.post(f"/admin/zones/{zone.id}", data=data).headers["Location"]
    assert "Naryn FEZ" in app.test_client().get("/en/zones/naryn-fez").get_data(as_text=True)
    assert decide(signed_in("admin"), revision_url, "approve").status_code == 303
    assert "Naryn Free Economic Zone" in app.test_client().get("/en/zones/naryn-fez").get_data(as_text=True)

    # Sectors belong to no agency: one administrator writes, another approves; curators do not see it.
    admin = signed_in("admin")
    page = admin.get(f"/admin/sectors/{sector.id}").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "slug": "energy", "position": "0", "text_en-name": "Energy and power"}
    revision_url = admin.post(f"/admin/sectors/{sector.id}", data=data).headers["Location"]
    assert decide(admin, revision_url, "approve").status_code == 403
    assert signed_in("curator_nia").get(revision_url).status_code == 404
    assert decide(second_admin(app), revision_url, "approve").status_code == 303
    with database(app):
        assert db.session.get(Sector, sector.id).texts["en"].name == "Energy and power"
        assert db.session.scalar(select(Zone.slug)) == "naryn-fez"
        assert db.session.scalar(select(Opportunity)) is None


def test_a_reviewer_approves_the_version_they_saw_not_one_written_since(app, signed_in, published):
    writer = signed_in("curator_boi")
    revision_url = edit_form(writer, published, **{"text_en-title": "Benign title"}).headers["Location"]
    admin = signed_in("admin")
    page = admin.get(revision_url).get_data(as_text=True)
    seen = re.search(r'name="version" value="(\d+)"', page).group(1)
    edit_form(writer, published, **{"text_en-title": "Something else written after"})
    response = decide(admin, revision_url, "approve", version=seen)
    assert response.status_code == 303
    assert "decided or edited a moment ago" in admin.get(revision_url).get_data(as_text=True)
    public = app.test_client().get(PUBLIC).get_data(as_text=True)
    assert "Something else written after" not in public and "Benign title" not in public
    assert decide(admin, revision_url, "approve").status_code == 303  # from the page as it is now
    assert "Something else written after" in app.test_client().get(PUBLIC).get_data(as_text=True)


@pytest.mark.parametrize("version", ["²", "99999999999999999999", "-1", "1.0", ""])
def test_a_version_that_is_not_a_small_whole_number_decides_nothing(app, signed_in, published, version):
    """ "²" is a digit to Python but no number to int(); a huge one does not fit the column. Neither is a 500."""
    writer = signed_in("curator_boi")
    revision_url = edit_form(writer, published, **{"text_en-title": "Benign title"}).headers["Location"]
    admin = signed_in("admin")
    page = admin.get(revision_url).get_data(as_text=True)
    response = admin.post(f"{revision_url}/approve", data={"csrf_token": csrf_from(page), "version": version})
    assert response.status_code == 303
    assert "decided or edited a moment ago" in admin.get(revision_url).get_data(as_text=True)
    with database(app):
        assert db.session.scalar(select(Revision.state)) == "pending"


def test_handing_a_listing_to_another_agency_is_for_administrators(app, signed_in, staff, published):
    from tests.catalogue.test_curation import agency_id

    admin = signed_in("admin")
    revision_url = edit_form(admin, published, agency=str(agency_id(app, "NIA"))).headers["Location"]
    assert signed_in("curator_nia").get(revision_url).status_code == 404  # not theirs until it moves
    boi = new_curator(app, "reviewer@example.org")
    page = boi.get(revision_url).get_data(as_text=True)
    assert "only an administrator can approve it" in page and "Approve and publish" not in page
    assert decide(boi, revision_url, "approve").status_code == 403
    assert decide(second_admin(app), revision_url, "approve").status_code == 303
    assert reload(app, published).agency_id == agency_id(app, "NIA")


def test_a_change_waiting_for_a_listing_withdrawn_from_the_public_no_longer_applies(app, signed_in, published):
    writer = signed_in("curator_boi")
    revision_url = edit_form(writer, published, **{"text_en-title": "Unreviewed title"}).headers["Location"]
    assert act(signed_in("admin"), published, "archive").status_code == 303
    with database(app):
        assert db.session.scalar(select(Revision.state)) == "withdrawn"
    # Back to draft: the editor shows the listing as it is, not the withdrawn change.
    act(signed_in("admin"), published, "return")
    page = writer.get(f"/admin/opportunities/{published.id}").get_data(as_text=True)
    assert "Unreviewed title" not in page and "waiting for review" not in page
    assert decide(signed_in("admin"), revision_url, "approve").status_code == 403
    with database(app):
        title = db.session.get(Opportunity, published.id).texts["en"].title
    assert title == "Surgical steel works in Sialkot"
