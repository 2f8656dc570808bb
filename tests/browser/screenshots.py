"""`make screenshots`: PNGs of the main pages in every language at phone and desktop widths.

Writes to screenshots/ (git-ignored), for reviewing a change by eye. Uses the
system's Chromium, a temporary SQLite database with the demo catalogue, and a
real server on loopback.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import threading
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portal import create_app
from portal.catalogue import demo
from portal.core.extensions import db
from portal.staff.accounts import create_user
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.conftest import free_port
from tests.factories import make_enquiries

OUT = Path(__file__).parents[2] / "screenshots"
LANGUAGES = ["en", "ur", "ru", "ky"]
WIDTHS = [360, 1280]
PASSWORD = "screenshots only"


def main() -> int:
    path = chromium_path()
    if path is None:
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    database = Path(tempfile.mkdtemp(prefix="shots")) / "portal.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "locmem",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SECRET_KEY": secrets.token_hex(32),
            # The pages shot here are the staff area's; the two-step sign-in pages are shot from the account page.
            "STAFF_TWO_FACTOR": "optional",
        }
    )
    with app.app_context():
        upgrade()
        demo.load()
        for lang in LANGUAGES:
            create_user(f"curator-{lang}@example.org", "curator", "BOI", PASSWORD, preferred_language=lang)
        make_enquiries(destination="pk")
        db.session.commit()
        listing = db.session.scalar(db.select(db.text("id")).select_from(db.text("opportunity")).limit(1))
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    public = {
        "home": "/{lang}/",
        "list": "/{lang}/opportunities?country=pk",
        "detail": "/{lang}/opportunities/faisalabad-denim-finishing-plant",
        "zone": "/{lang}/zones/rashakai",
        "zones": "/{lang}/zones",
        "planned-zone": "/{lang}/zones/at-bashi-logistics-centre",
        "corridor": "/{lang}/corridor",
        "guide-pk": "/{lang}/invest-in/pakistan",
        "guide-kg": "/{lang}/invest-in/kyrgyzstan",
        "about": "/{lang}/about",
    }
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        for lang in LANGUAGES:
            for width in WIDTHS:
                context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
                page = context.new_page()
                for name, url in public.items():
                    page.goto(url.format(lang=lang))
                    written.append(_shot(page, f"{name}-{lang}-{width}.png"))
                page.goto(f"/{lang}/enquire")
                page.locator("form.enquiry-form button[type=submit]").click()
                written.append(_shot(page, f"enquiry-errors-{lang}-{width}.png"))
                page.goto("/admin/login")
                page.locator("#email").fill(f"curator-{lang}@example.org")
                page.locator("#password").fill(PASSWORD)
                page.locator("form.status-form button[type=submit]").click()
                page.wait_for_url("**/admin/")
                page.goto("/admin/enquiries")
                written.append(_shot(page, f"staff-inbox-{lang}-{width}.png"))
                page.goto(f"/admin/opportunities/{listing}")
                written.append(_shot(page, f"staff-edit-{lang}-{width}.png"))
                page.goto("/admin/two-factor")
                written.append(_shot(page, f"staff-two-factor-{lang}-{width}.png"))
                page.goto("/admin/revisions")
                written.append(_shot(page, f"staff-revisions-{lang}-{width}.png"))
                page.goto("/admin/agreements/1")
                written.append(_shot(page, f"staff-agreement-{lang}-{width}.png"))
                context.close()
        browser.close()
    server.shutdown()
    print(f"{len(written)} screenshots in {OUT}")
    return 0


def _shot(page, name: str) -> Path:
    target = OUT / name
    page.screenshot(path=str(target), full_page=True)
    return target


if __name__ == "__main__":
    sys.exit(main())
