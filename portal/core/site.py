"""What belongs to no feature: the language redirect, the health checks, refusing NUL bytes, error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, SecurityError, ServiceUnavailable
from werkzeug.wrappers import Response

from portal.core.extensions import limiter, reset_session
from portal.core.forms import aria
from portal.core.health import check
from portal.core.i18n import best_language

bp = Blueprint("site", __name__)
log = logging.getLogger(__name__)

#: statuses with a page of their own in ``templates/errors/``, in the visitor's language
ERROR_PAGES = (400, 403, 404, 405, 413, 429, 500)


@bp.before_app_request
def refuse_nul_bytes() -> None:
    """NUL bytes have no business in a query or form; PostgreSQL cannot store them."""
    # Every value of a repeated key, not only the first.
    values = [value for _, value in request.args.items(multi=True)]
    # Uploads (multipart) are left to their view, which sets its own size limit first; LocalizedForm checks them.
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "application/x-www-form-urlencoded":
        values += [value for _, value in request.form.items(multi=True)]
    if any("\x00" in value for value in values):
        abort(400)


@bp.get("/")
def root() -> Response:
    """Send the visitor to the home page in the language their browser prefers."""
    response = redirect(url_for("catalogue.home", lang=best_language()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """200 when the database answers and is migrated to the head revision, 503 when not."""
    health = check()
    if not health.database:
        return jsonify(status="unavailable", database=False, migrations=False), 503
    if not health.ready:
        return jsonify(status="unavailable", database=True, migrations=False), 503
    return jsonify(status="ok", database=True, migrations=True), 200


@bp.get("/healthz/live")
@limiter.exempt
def live() -> tuple[Response, int]:
    """200 while the process answers; the database is not asked, so an outage does not get workers restarted."""
    return jsonify(status="ok"), 200


@bp.get("/healthz/ready")
@limiter.exempt
def ready() -> tuple[Response, int]:
    """200 when this process can serve: the database answers and its schema is the migrations' head."""
    health = check()
    if not health.database:
        return jsonify(status="unavailable", database=False), 503
    body = {"database": True, "migrations": health.migrations, "revision": health.revision, "head": health.head}
    if not health.ready:
        return jsonify(status="unavailable", **body), 503
    return jsonify(status="ok", **body), 200


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


#: path prefixes whose errors are JSON (an API), registered by the features that serve them
_JSON_PREFIXES: dict[str, Callable[[HTTPException], Response]] = {}


def json_errors_under(prefix: str, answer: Callable[[HTTPException], Response]) -> None:
    """Answer errors under ``prefix`` with ``answer`` (JSON, not a page), also where no view was reached."""
    _JSON_PREFIXES[prefix] = answer


def _json_error(error: HTTPException) -> Response | None:
    for prefix, answer in _JSON_PREFIXES.items():
        if request.path.startswith(prefix):
            return answer(error)
    return None


def error_page(error: HTTPException) -> tuple[str, int] | Response:
    status = error.code or 500
    if status >= 500:
        reset_session()
    as_json = _json_error(error)
    if as_json is not None:
        return as_json
    _error_language()
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: no link can be built for it, so the answer is plain text.
        text = _("The request could not be understood")
        return Response(text + "\n", status=status, mimetype="text/plain")
    return render_template(f"errors/{status}.html", error=error), status


for _status in ERROR_PAGES:
    bp.app_errorhandler(_status)(error_page)


#: seconds a visitor is asked to wait when the database does not answer
RETRY_AFTER = 30


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
@bp.app_errorhandler(PoolTimeout)
def database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """The database is restarting or out of reach: a localized 503 asking to try again, never a half-written record."""
    log.error("database unavailable: %s", type(getattr(error, "orig", None) or error).__name__)
    reset_session()
    as_json = _json_error(ServiceUnavailable())
    if as_json is not None:
        as_json.headers["Retry-After"] = str(RETRY_AFTER)
        return as_json  # type: ignore[return-value]
    if not g.get("lang"):
        # Not the staff user's language: reading the user needs the database.
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in current_app.config["LANGUAGES"] else best_language()
    return render_template("errors/503.html"), 503, {"Retry-After": str(RETRY_AFTER)}


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals["aria"] = aria
