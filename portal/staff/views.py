"""Staff pages of the accounts: sign-in, sign-out, one's own account, the users page, the audit log."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash
from wtforms.fields.choices import SelectChoice

from portal.agencies.models import all_agencies
from portal.core.extensions import db
from portal.core.forms import LocalizedForm
from portal.core.pagination import page_number, paginate
from portal.core.time import utcnow
from portal.staff import accounts, audit, notices, throttle, two_factor
from portal.staff.access import any_staff, roles_required, staff_blueprint, start_session, visible_to
from portal.staff.forms import (
    AccountForm,
    ActiveForm,
    CodeForm,
    EnrolForm,
    LoginForm,
    PasswordForm,
    ReauthForm,
    UserForm,
)
from portal.staff.models import ROLES, AuditEntry, User

bp = staff_blueprint("staff", __name__, template_folder="templates")

# Compared against when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$0123456789abcdef$" + "0" * 128
AUDIT_PAGE_SIZE = 100
#: how long the second step of signing in may take after the password
PENDING_SECONDS = 10 * 60


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
def login() -> ResponseReturnValue:
    """Sign in to the staff area: the password, then (``_second_step``) the code."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        attempt = throttle.attempt("login", email)
        user = db.session.scalar(select(User).where(User.email == email))
        # A password is always checked, so that neither unknown nor inactive accounts answer faster.
        right = (
            user.check_password(form.password.data) if user else check_password_hash(_DUMMY_HASH, form.password.data)
        )
        if user is not None and user.active and right:
            attempt.refund()
            return _second_step(user, _safe_next(request.args.get("next")))
        audit.record("login.failed", "user", email[:254], agency_id=user.agency_id if user else None, user=None)
        db.session.commit()
        form.form_errors.append(_("The e-mail address or the password is not right."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("staff/login.html", form=form), status


def _second_step(user: User, target: str | None) -> ResponseReturnValue:
    """The password was right: ask for the code, or for enrolment, or (second factor optional) sign in."""
    if not (user.has_two_factor or two_factor.required()):
        return _signed_in(user, target, "password")
    session.clear()
    session["pending"] = {"user": user.id, "version": user.session_version, "next": target, "at": time.time()}
    return redirect(url_for(".code" if user.has_two_factor else ".enrol"), code=303)


def _pending_user() -> User | None:
    """The user who gave the right password in this session a moment ago and still owes the second factor."""
    pending = session.get("pending")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user") or 0)
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user


def _signed_in(user: User, target: str | None, method: str) -> ResponseReturnValue:
    start_session(user)
    user.last_login_at = utcnow()
    audit.record("login", "user", user.email, agency_id=user.agency_id, user=user, changes={"method": (None, method)})
    db.session.commit()
    return redirect(target or url_for("dashboard.index"), code=303)


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> ResponseReturnValue:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None or not user.has_two_factor:
        return redirect(url_for(".login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        attempt = throttle.attempt("code", str(user.id))
        method = two_factor.verify(user, form.code.data)
        if method is not None:
            attempt.refund()
            response = _signed_in(user, session["pending"].get("next"), method)
            if method == "recovery":  # after _signed_in, whose new session would drop the message
                flash(
                    _(
                        "You signed in with a recovery code; %(num)s are left. Make new ones on your account page.",
                        num=two_factor.unused_recovery_codes(user),
                    )
                )
            return response
        audit.record("login.failed", "user", user.email, agency_id=user.agency_id, user=None)
        db.session.commit()
        form.code.errors = [_("This code is not right, or it has been used already.")]
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("staff/code.html", form=form), status


@bp.route("/two-factor", methods=["GET", "POST"])
def enrol() -> ResponseReturnValue:
    """Set up the authenticator app: on the first sign-in (required), or from the account page."""
    user = current_user if current_user.is_authenticated else _pending_user()
    if user is None:
        return redirect(url_for(".login"))
    if user.has_two_factor:
        return redirect(url_for(".account" if current_user.is_authenticated else ".code"))
    # The new secret waits in the database, never in the (signed, not encrypted) session cookie.
    if request.method == "GET" or not user.totp_pending_secret:
        user.totp_pending_secret = two_factor.new_secret()
        db.session.commit()
    secret = user.totp_pending_secret
    form = EnrolForm()
    status = 200
    if form.validate_on_submit():
        attempt = throttle.attempt("code", str(user.id))
        # Signed in already (the account page): a stolen session alone must not set up the thief's phone.
        if current_user.is_authenticated and not current_user.check_password(form.password.data or ""):
            form.password.errors = [_("This is not your current password.")]
            return _enrol_page(form, user, secret), 400
        step = two_factor.accepted_step(secret, form.code.data, None)
        if step is not None:
            attempt.refund()
            codes = two_factor.enable(user, secret, step)
            notices.notify(user, "two_factor")
            audit.record("user.two_factor", "user", user.email, agency_id=user.agency_id, user=user)
            if current_user.is_authenticated:
                db.session.commit()
                target = None
            else:
                target = session["pending"].get("next")
                _signed_in(user, target, "totp")
            return render_template(
                "staff/recovery_codes.html", codes=codes, target=target or url_for("dashboard.index")
            )
        form.code.errors = [_("This code is not right. Check the time on your phone and try the newest code.")]
        status = 400
    elif request.method == "POST":
        status = 400
    return _enrol_page(form, user, secret), status


def _enrol_page(form: EnrolForm, user: User, secret: str) -> str:
    qr = two_factor.qr_code(secret, user.email, _("QR code to scan with your authenticator app"))
    return render_template("staff/enrol.html", form=form, qr=qr, secret=secret)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out, here and on every other device."""
    audit.record("logout", "user", current_user.email, agency_id=current_user.agency_id)
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for(".login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """The user's own name, language and password; their second factor; signing out everywhere."""
    form = AccountForm(obj=current_user, prefix="account")
    if request.method == "GET":
        form.show_contact.data = current_user.contact_consent_at is not None
    password_form = PasswordForm(prefix="password")
    password_form.personal_words = [current_user.email, current_user.name]
    status = 200
    if request.method == "POST" and "account-preferred_language" in request.form:
        if form.validate_on_submit():
            consent = current_user.contact_consent_at
            if form.show_contact.data != (consent is not None):
                consent = utcnow() if form.show_contact.data else None
            changes = audit.changed(
                current_user,
                name=form.name.data or "",
                preferred_language=form.preferred_language.data,
                job_title=form.job_title.data or "",
                contact_email=form.contact_email.data or "",
                contact_phone=form.contact_phone.data or "",
                contact_consent_at=consent,
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
                # Every other session ends; this one goes on with a new cookie.
                accounts.end_sessions(current_user)
                notices.notify(current_user, "password")
                audit.record("user.password", "user", current_user.email, agency_id=current_user.agency_id)
                db.session.commit()
                start_session(current_user._get_current_object())
                flash(_("Your password has been changed. You are signed out everywhere else."))
                return redirect(url_for(".account"), code=303)
            password_form.current.errors = [_("This is not your current password.")]
        status = 400
    return (
        render_template(
            "staff/account.html",
            form=form,
            password_form=password_form,
            reauth=ReauthForm(prefix="reauth"),
            codes_left=two_factor.unused_recovery_codes(current_user),
        ),
        status,
    )


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of the user, this one too: for a lost laptop or a shared computer."""
    if not LocalizedForm().validate_on_submit():
        abort(400)
    audit.record("logout.everywhere", "user", current_user.email, agency_id=current_user.agency_id)
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out on every device."))
    return redirect(url_for(".login"), code=303)


@bp.post("/account/recovery-codes")
@login_required
def new_recovery_codes() -> ResponseReturnValue:
    """Ten new recovery codes, shown once; the old ones stop working. Asks for the password again."""
    form = ReauthForm(prefix="reauth")
    if not form.validate_on_submit() or not current_user.has_two_factor:
        abort(400)
    if not current_user.check_password(form.password.data):
        flash(_("This is not your current password."))
        return redirect(url_for(".account"), code=303)
    codes = two_factor.new_recovery_codes(current_user)
    notices.notify(current_user, "recovery_codes")
    audit.record("user.recovery_codes", "user", current_user.email, agency_id=current_user.agency_id)
    db.session.commit()
    return render_template("staff/recovery_codes.html", codes=codes, target=url_for(".account"))


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


def _another_user(user_id: int, form: LocalizedForm) -> User:
    """The account an administrator acts on with ``form``: never their own (a 400), a 404 if there is none."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not form.validate_on_submit() or user.id == current_user.id:
        abort(400)
    return user


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id: int) -> ResponseReturnValue:
    """Deactivate or reactivate an account."""
    form = ActiveForm()
    user = _another_user(user_id, form)
    accounts.set_active(user, bool(form.active.data))
    db.session.commit()
    return redirect(url_for(".users"), code=303)


@bp.post("/users/<int:user_id>/two-factor/reset")
@roles_required("admin")
def reset_two_factor(user_id: int) -> ResponseReturnValue:
    """Forget a user's second factor (a lost phone): they set it up again at their next sign-in."""
    user = _another_user(user_id, LocalizedForm())
    two_factor.reset(user)
    accounts.end_sessions(user)
    notices.notify(user, "two_factor_reset")
    audit.record("user.two_factor_reset", "user", user.email, agency_id=user.agency_id)
    db.session.commit()
    flash(_("The second factor of %(email)s has been reset.", email=user.email))
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
