"""Creating staff accounts: the one path for the users page and the ``users create`` command."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from portal.agencies.models import Agency
from portal.core.extensions import db
from portal.staff import audit, passwords
from portal.staff.models import ROLES, User


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


def create_user(
    email: str,
    role: str,
    agency_code: str | None,
    password: str,
    name: str = "",
    preferred_language: str = "en",
    actor: Any = None,
) -> User:
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
    weak = passwords.weakness(password, (email, name))
    if weak:
        raise UserError(" ".join(weak))
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(f"{email} already has an account")
    user = User(email=email, name=name, role=role, agency=agency, preferred_language=preferred_language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        "user",
        email,
        agency_id=user.agency_id,
        user=actor,
        changes={"role": (None, role), "agency": (None, agency.code if agency else None)},
    )
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user``, on every device: each session carries the version it started with.

    Raised in the database (not read and written back), so that two at once both count.
    """
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user  # current_user too
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["session_version"])


def set_active(user: User, active: bool) -> None:
    """Let an account sign in again, or stop it from signing in (ending its sessions); recorded when it changes."""
    changes = audit.changed(user, active=active)
    if changes:
        audit.record("user.edit", "user", user.email, agency_id=user.agency_id, changes=changes)
    if not active:
        end_sessions(user)
