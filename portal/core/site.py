"""What belongs to no feature: the language redirect, the health check, refusing NUL bytes, error pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from portal.core.extensions import db
from portal.core.forms import aria
from portal.core.i18n import best_language

bp = Blueprint("site", __name__)
log = logging.getLogger(__name__)

#: statuses with a page of their own in ``templates/errors/``, in the visitor's language
ERROR_PAGES = (400, 403, 404, 405, 413, 429, 500)


@bp.before_app_request
def refuse_nul_bytes() -> None:
    """NUL bytes have no business in a query or form; PostgreSQL cannot store them."""
    values = list(request.args.values())
    # Uploads (multipart) are left to their view, which sets its own size limit first.
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "application/x-www-form-urlencoded":
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)


@bp.get("/")
def root() -> Response:
    """Send the visitor to the home page in the language their browser prefers."""
    response = redirect(url_for("catalogue.home", lang=best_language()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True), 200


def _error_language() -> None:
    """Pick the error page's language from the URL when it names one, else the staff user's or the browser's."""
    if g.get("lang"):
        return
    first = request.path.strip("/").split("/", 1)[0]
    if first in current_app.config["LANGUAGES"]:
        g.lang = first
    elif first == "admin" and current_user.is_authenticated:
        g.lang = current_user.preferred_language
    else:
        g.lang = best_language()


def error_page(error: HTTPException) -> tuple[str, int] | Response:
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    _error_language()
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: no link can be built for it, so the answer is plain text.
        text = _("The request could not be understood")
        return Response(text + "\n", status=status, mimetype="text/plain")
    return render_template(f"errors/{status}.html", error=error), status


for _status in ERROR_PAGES:
    bp.app_errorhandler(_status)(error_page)


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals["aria"] = aria
