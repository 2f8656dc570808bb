"""The open data page: what the API, the downloads and the feeds offer, in the visitor's language."""

from __future__ import annotations

from flask import g, render_template
from flask.typing import ResponseReturnValue

from portal.catalogue import content
from portal.core.i18n import language_blueprint
from portal.core.pagecache import cached_page
from portal.opendata import spec

bp = language_blueprint("opendata", __name__, template_folder="templates")


@bp.get("/open-data")
@cached_page
def open_data() -> ResponseReturnValue:
    """How to read the catalogue as data: downloads, the API, feeds."""
    document = spec.document()
    operations = [
        (path, details["get"]) for path, details in document["paths"].items() if not path.startswith("/downloads/")
    ]
    parameters = document["paths"]["/opportunities"]["get"]["parameters"]
    return render_template(
        "opendata/open_data.html",
        operations=operations,
        parameters=parameters,
        sectors=content.sectors_in_order(content.public_sectors(), g.lang),
        base=document["servers"][0]["url"],
    )
