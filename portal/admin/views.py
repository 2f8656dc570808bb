"""The staff area's blueprint: sign-in, sign-out, the user's own account, the dashboard."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.admin import access, audit
from portal.admin.forms import AccountForm, LoginForm, PasswordForm
from portal.admin.models import User
from portal.catalogue.models import utcnow
from portal.extensions import db, limiter

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
bp.before_request(access.before_staff_request)

# Compared against when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$0123456789abcdef$" + "0" * 128


def _failed(response) -> bool:
    return response.status_code != 303


def _account_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/admin"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_IP_LIMIT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], key_func=_account_key, methods=["POST"],
               deduct_when=_failed)
def login():
    """Sign in to the staff area."""
    if current_user.is_authenticated:
        return redirect(url_for(".dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        # A password is always checked, so that neither unknown nor inactive accounts answer faster.
        right = user.check_password(form.password.data) if user else check_password_hash(_DUMMY_HASH, form.password.data)
        if user is not None and user.active and right:
            session.clear()
            login_user(user)
            session["seen"] = access._now()
            session.permanent = True
            user.last_login_at = utcnow()
            audit.record("login", "user", user.email, agency_id=user.agency_id, user=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for(".dashboard"), code=303)
        audit.record("login.failed", "user", form.email.data.strip().lower()[:254],
                     agency_id=user.agency_id if user else None, user=None)
        db.session.commit()
        form.form_errors.append(_("The e-mail address or the password is not right."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    audit.record("logout", "user", current_user.email, agency_id=current_user.agency_id)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for(".login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The user's own name, language and password."""
    form = AccountForm(obj=current_user, prefix="account")
    password_form = PasswordForm(prefix="password")
    status = 200
    if request.method == "POST" and "account-preferred_language" in request.form:
        if form.validate_on_submit() and form.preferred_language.data in current_app.config["LANGUAGES"]:
            changes = audit.changed(current_user, name=form.name.data or "",
                                    preferred_language=form.preferred_language.data)
            if changes:
                audit.record("user.edit", "user", current_user.email, agency_id=current_user.agency_id,
                             changes=changes)
            db.session.commit()
            return redirect(url_for(".account"), code=303)
        status = 400
    elif request.method == "POST":
        if password_form.validate_on_submit():
            if current_user.check_password(password_form.current.data):
                current_user.set_password(password_form.new.data)
                audit.record("user.password", "user", current_user.email, agency_id=current_user.agency_id)
                db.session.commit()
                flash(_("Your password has been changed."))
                return redirect(url_for(".account"), code=303)
            password_form.current.errors = [_("This is not your current password.")]
        status = 400
    return render_template("admin/account.html", form=form, password_form=password_form), status


@bp.get("/")
@access.roles_required("curator", "officer")
def dashboard():
    """What needs attention: enquiries by status and month, overdue ones, stale listings, failed mail."""
    from portal.admin import dashboard as figures

    return render_template("admin/dashboard.html", **figures.collect(current_user))


MAIL_STATES = {
    "pending": _l("Waiting to be sent"),
    "retrying": _l("Not delivered yet, will retry"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


@bp.record_once
def register_template_helpers(state):
    from portal.catalogue import workflow

    state.app.jinja_env.globals["mail_state_label"] = lambda code: str(MAIL_STATES.get(code, code))
    state.app.jinja_env.globals["state_labels"] = workflow.STATE_LABELS
    state.app.jinja_env.globals["action_labels"] = workflow.ACTION_LABELS
    state.app.jinja_env.globals["audit_action"] = audit.action_label
    state.app.jinja_env.globals["audit_field"] = audit.field_label
