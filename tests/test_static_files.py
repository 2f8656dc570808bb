"""Static files under fingerprinted names, cached for a year; and the error pages nginx serves itself."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.conftest import localized_message, make_app

STATIC = Path(__file__).resolve().parents[1] / "portal" / "static"


def test_pages_link_static_files_by_their_contents_digest(client):
    page = client.get("/en/about").get_data(as_text=True)
    digest = hashlib.sha256((STATIC / "portal.css").read_bytes()).hexdigest()[:12]
    assert f'href="/static/portal.{digest}.css"' in page
    assert re.search(r'href="/static/favicon\.[0-9a-f]{12}\.svg"', page)


def test_a_fingerprinted_name_is_cached_for_a_year_and_a_plain_one_is_checked_again(client):
    page = client.get("/en/about").get_data(as_text=True)
    css = re.search(r'href="(/static/portal\.[0-9a-f]{12}\.css)"', page).group(1)
    with client.get(css) as fingerprinted, client.get("/static/portal.css") as plain:
        assert fingerprinted.status_code == plain.status_code == 200
        assert fingerprinted.data == plain.data == (STATIC / "portal.css").read_bytes()
        assert fingerprinted.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "immutable" not in plain.headers.get("Cache-Control", "")
    # A name from an older release is not found rather than served as if current.
    assert client.get("/static/portal.0123456789ab.css").status_code == 404


def test_error_pages_are_written_in_every_language(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["error-pages", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{status}.{lang}.html" for status in (413, 502) for lang in ("en", "ur", "ru", "ky")
    )
    for lang in ("en", "ur", "ru", "ky"):
        unavailable = (tmp_path / f"502.{lang}.html").read_text()
        too_large = (tmp_path / f"413.{lang}.html").read_text()
        direction = "rtl" if lang == "ur" else "ltr"
        assert f'<html lang="{lang}" dir="{direction}">' in unavailable
        assert localized_message("The portal is briefly unavailable", lang) in unavailable
        assert localized_message("What you sent is too large", lang) in too_large


def test_error_pages_are_written_with_production_settings(tmp_path):
    """No SERVER_NAME, and only the host of PORTAL_URL accepted: as `deploy/manage error-pages` runs."""
    app = make_app(f"sqlite:///{tmp_path}/portal.sqlite3", SERVER_NAME=None, PORTAL_URL="https://invest.example.org")
    result = app.test_cli_runner().invoke(args=["error-pages", "--output", str(tmp_path / "errors")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "errors" / "502.ru.html").read_text()
    assert 'hreflang="en" href="https://invest.example.org/en/"' in page
