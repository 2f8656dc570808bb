"""Routes that belong to no feature: the language redirect, the health check, error pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from flask_login import current_user

from portal.extensions import db
from portal.i18n import best_language

bp = Blueprint("site", __name__)
log = logging.getLogger(__name__)


@bp.before_app_request
def refuse_nul_bytes():
    """NUL bytes have no business in a query or form; PostgreSQL cannot store them."""
    values = list(request.args.values())
    # Uploads (multipart) are left to their view, which sets its own size limit first.
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "application/x-www-form-urlencoded":
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)


@bp.get("/")
def root():
    """Send the visitor to the home page in the language their browser prefers."""
    response = redirect(url_for("catalogue.home", lang=best_language()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True)


def _error_language() -> None:
    """Pick the error page's language from the URL when it names one, else the browser's."""
    if g.get("lang"):
        return
    first = request.path.strip("/").split("/", 1)[0]
    if first in current_app.config["LANGUAGES"]:
        g.lang = first
    elif first == "admin" and current_user.is_authenticated:
        g.lang = current_user.preferred_language
    else:
        g.lang = best_language()


def _error_page(error, status: int):
    _error_language()
    return render_template(f"errors/{status}.html", error=error), status


@bp.app_errorhandler(400)
def bad_request(error):
    return _error_page(error, 400)


@bp.app_errorhandler(403)
def forbidden(error):
    return _error_page(error, 403)


@bp.app_errorhandler(404)
def not_found(error):
    return _error_page(error, 404)


@bp.app_errorhandler(405)
def method_not_allowed(error):
    return _error_page(error, 405)


@bp.app_errorhandler(413)
def too_large(error):
    return _error_page(error, 413)


@bp.app_errorhandler(429)
def too_many_requests(error):
    return _error_page(error, 429)


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    return _error_page(error, 500)
