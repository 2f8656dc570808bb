"""Fingerprinted static files: ``portal.css`` is linked as ``portal.<digest>.css``.

The digest changes with the file's content, so a name can be cached for a year
(by nginx in production, by this view elsewhere): a new release links new names.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

from flask import Flask, current_app
from flask.helpers import send_from_directory
from werkzeug.wrappers import Response

#: ``name.<12 hex digits>.ext``: the form nginx's configuration recognises too (deploy/nginx/portal.conf)
FINGERPRINTED = re.compile(r"(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)")
#: how long a browser may keep a fingerprinted file: a year, without asking again
IMMUTABLE = 365 * 24 * 3600


def digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def fingerprinted(app: Flask, filename: str) -> str:
    """``filename`` with its content's digest before the extension; as it is if there is no such file."""
    names: dict[str, str] = app.extensions.setdefault("portal.fingerprints", {})
    if filename not in names:
        path = os.path.join(app.static_folder or "", filename)
        stem, suffix = os.path.splitext(filename)
        names[filename] = f"{stem}.{digest(path)}{suffix}" if suffix and os.path.isfile(path) else filename
    return names[filename]


def static(filename: str) -> Response:
    """A static file by its plain or its fingerprinted name; the latter cached for a year."""
    folder = current_app.static_folder or ""
    match = FINGERPRINTED.fullmatch(filename)
    if match:
        plain = match["stem"] + match["suffix"]
        if fingerprinted(current_app, plain) == filename:
            response = send_from_directory(folder, plain, max_age=IMMUTABLE)
            response.cache_control.immutable = True
            return response
    return send_from_directory(folder, filename)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def _fingerprint(endpoint: str | None, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprinted(app, values["filename"])

    app.view_functions["static"] = static
