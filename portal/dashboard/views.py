"""The staff dashboard at ``/admin/``."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.dashboard import figures
from portal.staff.access import any_staff, staff_blueprint

bp = staff_blueprint("dashboard", __name__, template_folder="templates")


@bp.get("/")
@any_staff
def index() -> ResponseReturnValue:
    """What needs attention: enquiries by status and month, overdue ones, stale listings, failed mail."""
    return render_template("dashboard/index.html", **figures.collect(current_user))
