"""Who may use which staff page: roles, agencies, session expiry, the staff area's language."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.extensions import db, login_manager
from portal.i18n import best_language


@login_manager.user_loader
def load_user(user_id: str):
    from portal.admin.models import User

    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def roles_required(*roles: str):
    """Only signed-in users with one of ``roles`` (administrators always) may use the view."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not (current_user.is_admin or current_user.role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


def before_staff_request():
    """Staff pages speak the user's language; idle sessions end."""
    if current_user.is_authenticated:
        idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
        seen = session.get("seen")
        if isinstance(seen, (int, float)) and _now() - seen > idle:
            g.lang = current_user.preferred_language
            logout_user()
            session.clear()
            flash(_("You were signed out after a time without activity. Please sign in again."))
            return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
        session["seen"] = _now()
        session.permanent = True
        g.lang = current_user.preferred_language
    else:
        g.lang = best_language()
    return None
