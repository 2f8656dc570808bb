"""Staff accounts and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.agencies.models import Agency
from portal.core.extensions import Model
from portal.core.time import utcnow
from portal.core.vocabulary import Vocabulary

ROLES = Vocabulary(admin=_l("Administrator"), curator=_l("Curator"), officer=_l("Officer"))


class User(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-case; the sign-in name
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    #: one of ROLES
    role: Mapped[str] = mapped_column(String(20))
    #: the agency a curator or officer works for; none for administrators
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: stored in each session at sign-in; raising it ends every session of the user
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: the shared secret of the authenticator app (base32); none until enrolled
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: a secret shown for enrolment, until a code from it confirms it (kept here, not in the session cookie)
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    #: the last time step whose code was accepted: a code is good once
    totp_last_step: Mapped[int | None]
    two_factor_since: Mapped[datetime | None]
    #: what investors see of an officer assigned their enquiry, once the officer consents (``contact_shown``)
    job_title: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: when the officer agreed to show their name, role and direct contact to investors; None: not shown
    contact_consent_at: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_since is not None

    @property
    def contact_shown(self) -> bool:
        """Whether investors may see this officer's name, role and direct contact."""
        return self.contact_consent_at is not None and bool(self.name)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def curates(self) -> bool:
        """Curators write their agency's listings and zones; administrators curate everything."""
        return self.role in ("admin", "curator")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can_see_agency(self, agency_id: int | None) -> bool:
        """Administrators see every agency's work; everyone else only their own agency's.

        ``staff.access.visible_to`` is the same rule for queries.
        """
        return self.is_admin or (agency_id is not None and agency_id == self.agency_id)


class RecoveryCode(Model):
    """A single-use code that stands in for the authenticator app; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the normalised code (upper case, no separators); the codes are random, so no salt is needed
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class AuditEntry(Model):
    """Who did what, when, from where: every change, sign-in and user change, and every read of personal data."""

    __table_args__ = (Index("ix_audit_entry_agency_at", "agency_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: the agency the change belongs to, so that its staff can see it; none for global changes
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    #: e.g. "login", "enquiry.status", "opportunity.create"
    action: Mapped[str] = mapped_column(String(40))
    #: e.g. "enquiry", "opportunity", "user"
    object_type: Mapped[str] = mapped_column(String(30), default="")
    #: the object's human-readable key: a reference, slug or e-mail
    object_key: Mapped[str] = mapped_column(String(254), default="")
    #: {"field": [before, after], ...}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the client's address, as the app sees it (PROXY_HOPS decides whose header to believe)
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User | None] = relationship()
