"""``flask --app portal error-pages``: the pages nginx shows itself, written as static files in every language.

When no app instance answers (502, 504) or a request is larger than nginx
accepts (413), nginx cannot ask the app for its page; it serves these files
instead, picking the language from the URL (deploy/nginx/portal.conf).
"""

from __future__ import annotations

import os

import click
from flask import current_app, g, render_template
from flask.cli import with_appcontext
from flask_babel import refresh

#: status: the template nginx's copy of it is made from
PAGES = {413: "errors/413.html", 502: "errors/unavailable.html"}


def write_error_pages(folder: str) -> list[str]:
    """Render each page in each language to ``folder/<status>.<lang>.html``; returns the paths."""
    os.makedirs(folder, exist_ok=True)
    written = []
    for lang in current_app.config["LANGUAGES"]:
        for status, template in PAGES.items():
            # As a request to the portal's own address: the one host name it accepts.
            with current_app.test_request_context(f"/{lang}/", base_url=current_app.config["PORTAL_URL"]):
                g.lang = lang
                refresh()  # Flask-Babel keeps the locale it found in the app context, which the loop shares
                html = render_template(template)
            path = os.path.join(folder, f"{status}.{lang}.html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(html)
            written.append(path)
    return written


@click.command("error-pages")
@click.option("--output", type=click.Path(file_okay=False), help="Folder to write to (default: static/errors).")
@with_appcontext
def error_pages(output: str | None) -> None:
    """Write the pages nginx shows when the app cannot answer, in every language."""
    folder = output or os.path.join(current_app.static_folder or "", "errors")
    written = write_error_pages(folder)
    click.echo(f"{len(written)} pages written to {folder}")
