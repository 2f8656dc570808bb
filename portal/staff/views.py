"""Staff pages of the accounts: sign-in, sign-out, one's own account, the users page, the audit log."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from portal.agencies.models import all_agencies
from portal.core.extensions import db, limiter
from portal.core.pagination import page_number, paginate
from portal.core.time import utcnow
from portal.staff import accounts, audit
from portal.staff.access import any_staff, mark_active, roles_required, staff_blueprint, visible_to
from portal.staff.forms import AccountForm, ActiveForm, LoginForm, PasswordForm, UserForm
from portal.staff.models import ROLES, AuditEntry, User

bp = staff_blueprint("staff", __name__, template_folder="templates")

# Compared against when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$0123456789abcdef$" + "0" * 128
AUDIT_PAGE_SIZE = 100


def _failed(response: Response) -> bool:
    return response.status_code != 303


def _account_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str | None:
    """``target`` if it is a page of the staff area on this site, else None.

    Control characters would end up in the Location header (a 500, or a split
    header); backslashes are read as slashes by browsers ("/\\evil.example").
    """
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == "/admin" or parts.path.startswith("/admin/")):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_IP_LIMIT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], key_func=_account_key, methods=["POST"], deduct_when=_failed
)
def login() -> ResponseReturnValue:
    """Sign in to the staff area."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        # A password is always checked, so that neither unknown nor inactive accounts answer faster.
        right = (
            user.check_password(form.password.data) if user else check_password_hash(_DUMMY_HASH, form.password.data)
        )
        if user is not None and user.active and right:
            session.clear()
            login_user(user)
            mark_active()
            user.last_login_at = utcnow()
            audit.record("login", "user", user.email, agency_id=user.agency_id, user=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"), code=303)
        audit.record("login.failed", "user", email[:254], agency_id=user.agency_id if user else None, user=None)
        db.session.commit()
        form.form_errors.append(_("The e-mail address or the password is not right."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("staff/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out."""
    audit.record("logout", "user", current_user.email, agency_id=current_user.agency_id)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for(".login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """The user's own name, language and password."""
    form = AccountForm(obj=current_user, prefix="account")
    password_form = PasswordForm(prefix="password")
    status = 200
    if request.method == "POST" and "account-preferred_language" in request.form:
        if form.validate_on_submit():
            changes = audit.changed(
                current_user, name=form.name.data or "", preferred_language=form.preferred_language.data
            )
            if changes:
                audit.record("user.edit", "user", current_user.email, agency_id=current_user.agency_id, changes=changes)
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
    return render_template("staff/account.html", form=form, password_form=password_form), status


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users() -> ResponseReturnValue:
    """All staff accounts, and a form to add one."""
    form = UserForm()
    form.role.choices = ROLES.choices()
    form.agency.choices = [SelectChoice("", _("None (administrator)"))] + [
        SelectChoice(a.code, a.code) for a in all_agencies()
    ]
    status = 200
    if form.validate_on_submit():
        try:
            accounts.create_user(
                form.email.data,
                form.role.data,
                form.agency.data or None,
                form.password.data,
                name=form.name.data or "",
                actor=current_user,
            )
        except accounts.UserError as error:
            form.email.errors = [str(error)]
            db.session.rollback()
            status = 400
        else:
            db.session.commit()
            return redirect(url_for(".users"), code=303)
    elif request.method == "POST":
        status = 400
    listed = list(db.session.scalars(select(User).options(joinedload(User.agency)).order_by(User.email)))
    return render_template("staff/users.html", form=form, accounts=listed, toggle=ActiveForm()), status


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id: int) -> ResponseReturnValue:
    """Deactivate or reactivate an account."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = ActiveForm()
    if not form.validate_on_submit() or user.id == current_user.id:
        abort(400)
    accounts.set_active(user, bool(form.active.data))
    db.session.commit()
    return redirect(url_for(".users"), code=303)


@bp.get("/audit")
@any_staff
def audit_log() -> ResponseReturnValue:
    """Every recorded change; administrators see all, others their agency's."""
    statement = (
        select(AuditEntry).where(*visible_to(AuditEntry.agency_id)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    page = paginate(statement, page_number(request.args.get("page")), AUDIT_PAGE_SIZE, joinedload(AuditEntry.user))
    return render_template("staff/audit.html", page=page)


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(roles=ROLES, audit_actions=audit.ACTIONS, audit_field=audit.field_label)
