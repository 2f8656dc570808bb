"""Who may use which staff page and see which rows: roles, agencies, session expiry, the staff area's language.

Every staff page lives on a blueprint made by ``staff_blueprint``; every staff
query that lists an agency's work is limited with ``visible_to``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from portal.core.extensions import db, login_manager
from portal.core.i18n import best_language
from portal.staff.models import ROLES, User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, if the session is still one of theirs: its version is the user's current one."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or session.get("version") != user.session_version:
        return None
    return user


def start_session(user: User) -> None:
    """Sign ``user`` in on a new session: nothing of the session before (its CSRF token, say) carries over."""
    session.clear()
    login_user(user)
    session["version"] = user.session_version
    mark_active()


def visible_to(agency_column: Any, user: Any = current_user) -> list[Any]:
    """WHERE conditions that keep rows whose ``agency_column`` the user may see (``User.can_see_agency``)."""
    return [] if user.is_admin else [agency_column == user.agency_id]


def roles_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only signed-in users with one of ``roles`` (administrators always) may use the view."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not (current_user.is_admin or current_user.role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


#: for pages every member of staff may use, whatever their role
any_staff = roles_required(*ROLES)


def mark_active() -> None:
    """Remember that the user did something now; the session ends after STAFF_IDLE_MINUTES without this."""
    session["seen"] = time.time()
    session.permanent = True


def before_staff_request() -> Response | None:
    """Staff pages speak the user's language; idle sessions end."""
    if not current_user.is_authenticated:
        g.lang = best_language()
        return None
    g.lang = current_user.preferred_language
    seen = session.get("seen")
    if isinstance(seen, (int, float)) and time.time() - seen > current_app.config["STAFF_IDLE_MINUTES"] * 60:
        logout_user()
        session.clear()
        flash(_("You were signed out after a time without activity. Please sign in again."))
        return redirect(url_for("staff.login", next=request.full_path if request.method == "GET" else None))
    mark_active()
    return None


def no_store(response: Response) -> Response:
    """Staff pages and exports hold personal data: no cache, shared or the browser's, keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def staff_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint of staff pages under ``/admin``, in the user's language, ending idle sessions, never cached."""
    bp = Blueprint(name, import_name, url_prefix="/admin", **options)
    bp.before_request(before_staff_request)
    bp.after_request(no_store)
    return bp
