"""Staff accounts: the administrators' page and the ``users`` commands."""

from __future__ import annotations

import click
from flask import abort, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from portal.admin import audit
from portal.admin.access import roles_required
from portal.admin.forms import ActiveForm, UserForm
from portal.admin.models import ROLES, AuditEntry, User
from portal.admin.views import bp
from portal.catalogue.models import Agency
from portal.extensions import db

ROLE_LABELS = {"admin": _l("Administrator"), "curator": _l("Curator"), "officer": _l("Officer")}


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


def create_user(email: str, role: str, agency_code: str | None, password: str, name: str = "",
                preferred_language: str = "en", actor=None) -> User:
    """Create a staff account; curators and officers belong to one agency, administrators to none."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if role == "admin" and agency_code:
        raise UserError("administrators belong to no agency")
    agency = None
    if role != "admin":
        if not agency_code:
            raise UserError("curators and officers need --agency (BOI or NIA)")
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code.upper()))
        if agency is None:
            raise UserError(f"no agency {agency_code}")
    if len(password) < 10:
        raise UserError("the password needs at least 10 characters")
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(f"{email} already has an account")
    user = User(email=email, name=name, role=role, agency=agency, preferred_language=preferred_language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", email, agency_id=user.agency_id, user=actor,
                 changes={"role": (None, role), "agency": (None, agency.code if agency else None)})
    return user


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    """All staff accounts, and a form to add one."""
    form = UserForm()
    form.role.choices = [SelectChoice(code, ROLE_LABELS[code]) for code in ROLES]
    agencies = list(db.session.scalars(select(Agency).order_by(Agency.code)))
    form.agency.choices = [SelectChoice("", _("None (administrator)"))] + [
        SelectChoice(a.code, a.code) for a in agencies]
    status = 200
    if form.validate_on_submit():
        try:
            create_user(form.email.data, form.role.data, form.agency.data or None, form.password.data,
                        name=form.name.data or "", actor=current_user)
        except UserError as error:
            form.email.errors = [str(error)]
            db.session.rollback()
            status = 400
        else:
            db.session.commit()
            return redirect(url_for(".users"), code=303)
    elif request.method == "POST":
        status = 400
    accounts = list(db.session.scalars(select(User).options(joinedload(User.agency)).order_by(User.email)))
    return render_template("admin/users.html", form=form, accounts=accounts, toggle=ActiveForm(),
                           role_labels=ROLE_LABELS), status


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id):
    """Deactivate or reactivate an account."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        abort(400)
    changes = audit.changed(user, active=bool(form.active.data))
    if changes:
        audit.record("user.edit", "user", user.email, agency_id=user.agency_id, changes=changes)
    db.session.commit()
    return redirect(url_for(".users"), code=303)


@bp.get("/audit")
@roles_required("curator", "officer")
def audit_log():
    """Every recorded change; administrators see all, others their agency's."""
    where = [] if current_user.is_admin else [AuditEntry.agency_id == current_user.agency_id]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1
    entries = list(db.session.scalars(
        select(AuditEntry).where(*where).options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(100).offset((page - 1) * 100)))
    return render_template("admin/audit.html", entries=entries, page=page)


users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agency", type=click.Choice(["BOI", "NIA"], case_sensitive=False))
@click.option("--name", default="")
@click.option("--language", type=click.Choice(["en", "ur", "ru", "ky"]), default="en", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for (hidden, twice) when not given.")
def create_command(email, role, agency, name, language, password):
    """Create a staff account."""
    try:
        user = create_user(email, role, agency, password, name=name, preferred_language=language)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}" + (f" ({user.agency.code})" if user.agency else ""))


@users_cli.command("list")
def list_command():
    """List staff accounts."""
    for user in db.session.scalars(select(User).options(joinedload(User.agency)).order_by(User.email)):
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.role}\t{user.agency.code if user.agency else '-'}\t{state}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email):
    """Stop an account from signing in."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account {email}")
    changes = audit.changed(user, active=False)
    if changes:
        audit.record("user.edit", "user", user.email, agency_id=user.agency_id, changes=changes)
    db.session.commit()
    click.echo(f"Deactivated {user.email}")
