"""The second factor of staff sign-in: TOTP codes from an authenticator app, and single-use recovery codes.

A code is good once: the time step of the last accepted code is kept, and a
code from that step or an earlier one is refused. Recovery codes are random,
shown once, and stored as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, or_, update

from portal.core.extensions import db
from portal.core.time import utcnow
from portal.staff.models import RecoveryCode, User

#: codes of the step before and after the current one are accepted too (clocks drift)
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def required() -> bool:
    """STAFF_TWO_FACTOR: "required" (the default) or "optional" (development)."""
    return current_app.config["STAFF_TWO_FACTOR"] != "optional"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code(secret: str, email: str, title: str) -> Markup:
    """The enrolment QR code as inline SVG, drawn here: no script, no third-party service."""
    svg = segno.make(provisioning_uri(secret, email), error="m").svg_inline(scale=5, title=title, svgclass="qr-code")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # segno's own markup; title escaped by segno


def accepted_step(secret: str, code: str, after: int | None, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is, if it is one not used before (later than ``after``)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // totp.interval)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of the user's unused recovery codes; False if ``code`` is none of them."""
    if len(_normalise(code)) != 10:
        return False
    wanted = _hash(code)
    for stored in user.recovery_codes:
        if stored.used_at is None and hmac.compare_digest(stored.code_hash, wanted):
            # Spent in one statement, so that the same code sent twice at once signs in once.
            spent = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == stored.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session="fetch")
            )
            return bool(getattr(spent, "rowcount", 0))
    return False


def verify(user: User, code: str) -> str | None:
    """Check a code at sign-in: "totp" or "recovery" for the kind that was accepted, None for a wrong code."""
    if user.totp_secret is None:
        return None
    step = accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        # Taken in one statement, so that one code sent twice at once (or over a shoulder) signs in once.
        taken = db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session="fetch")
        )
        return "totp" if getattr(taken, "rowcount", 0) else None
    if use_recovery_code(user, code):
        return "recovery"
    return None


def enable(user: User, secret: str, step: int) -> list[str]:
    """Turn on the second factor with a secret the user has just proved to hold; returns the recovery codes."""
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    user.two_factor_since = utcnow()
    return new_recovery_codes(user)


def reset(user: User) -> None:
    """Forget the user's second factor (an administrator's help for a lost phone); they enrol again."""
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    user.two_factor_since = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def unused_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)
