"""The enquiry inbox: each agency's staff see and work their own agency's enquiries only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from portal.agencies.models import Agency
from portal.catalogue.content import all_sectors, sectors_in_order
from portal.catalogue.models import Opportunity, Sector
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.core.time import utcnow
from portal.enquiries import notifications
from portal.enquiries.export import to_csv
from portal.enquiries.forms import AssignForm, NoteForm, StatusForm
from portal.enquiries.models import STATUSES, Enquiry, EnquiryNote
from portal.mail.models import STATES as MAIL_STATES
from portal.staff import audit
from portal.staff.access import any_staff, staff_blueprint, visible_to
from portal.staff.models import AuditEntry, User

bp = staff_blueprint("inbox", __name__)

PER_PAGE = 25


@dataclass(frozen=True)
class InboxFilters:
    status: str | None = None
    sector: str | None = None
    country: str | None = None
    since: date | None = None
    until: date | None = None
    assignee: str | None = None
    overdue: bool = False
    q: str = ""
    page: int = 1

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a link to these filters with ``changes`` applied."""
        values = {**asdict(self), **changes}
        out = {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v not in (None, "", False)
        }
        if values["overdue"]:
            out["overdue"] = "1"
        if values["page"] == 1:
            del out["page"]
        return out


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _user_id(value: str) -> bool:
    """Whether ``value`` could be a user's id: ASCII digits ("²" is a digit to Python), few enough for the column."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def parse_filters(args: Any) -> InboxFilters:
    status = args.get("status") or None
    assignee = args.get("assignee") or None
    country = (args.get("country") or "").upper()[:2] or None
    return InboxFilters(
        status=status if status in STATUSES else None,
        sector=(args.get("sector") or "")[:80] or None,
        country=country if country and country.isalpha() else None,
        since=_date(args.get("since")),
        until=_date(args.get("until")),
        assignee=assignee if assignee and (assignee == "none" or _user_id(assignee)) else None,
        overdue=args.get("overdue") in ("1", "on", "true"),
        q=(args.get("q") or "").strip()[:100],
        page=page_number(args.get("page")),
    )


def conditions(filters: InboxFilters) -> list[Any]:
    where = visible_to(Enquiry.agency_id)
    if filters.status:
        where.append(Enquiry.status == filters.status)
    if filters.sector:
        where.append(
            Enquiry.opportunity_id.in_(select(Opportunity.id).join(Sector).where(Sector.slug == filters.sector))
        )
    if filters.country:
        where.append(Enquiry.country == filters.country)
    if filters.since:
        where.append(Enquiry.created_at >= filters.since)
    if filters.until:
        where.append(func.date(Enquiry.created_at) <= filters.until)
    if filters.assignee == "none":
        where.append(Enquiry.assignee_id.is_(None))
    elif filters.assignee:
        where.append(Enquiry.assignee_id == int(filters.assignee))
    if filters.overdue:
        where.append(Enquiry.overdue)
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (Enquiry.reference, Enquiry.name, Enquiry.organisation)
                )
            )
        )
    return where


def officers(*where: Any) -> list[User]:
    """Active officers an enquiry can be assigned to, limited by ``where``."""
    statement = select(User).where(User.active.is_(True), User.role == "officer", *where)
    return list(db.session.scalars(statement.order_by(User.name, User.email)))


@bp.get("/enquiries")
@any_staff
def enquiries() -> ResponseReturnValue:
    """The agency's enquiries, soonest reply date first, overdue ones marked."""
    filters = parse_filters(request.args)
    statement = select(Enquiry).where(*conditions(filters)).order_by(Enquiry.reply_by, Enquiry.id)
    page = paginate(statement, filters.page, PER_PAGE, joinedload(Enquiry.agency), joinedload(Enquiry.assignee))
    return render_template(
        "enquiries/staff/inbox.html",
        page=page,
        filters=filters,
        sectors=sectors_in_order(all_sectors(), current_user.preferred_language),
        assignees=officers(*visible_to(User.agency_id)),
    )


def _visible_enquiry(reference: str, *options: Any) -> Enquiry:
    """The enquiry if the current user may see it, else a 404 (another agency's looks missing)."""
    statement = select(Enquiry).where(Enquiry.reference == reference[:20], *visible_to(Enquiry.agency_id))
    enquiry = db.session.scalar(statement.options(*options))
    if enquiry is None:
        abort(404)
    return enquiry


def _status_form(enquiry: Enquiry) -> StatusForm:
    form = StatusForm(prefix="status", status=enquiry.status)
    form.status.choices = STATUSES.choices()
    return form


def _assign_form(enquiry: Enquiry) -> AssignForm:
    form = AssignForm(prefix="assign", assignee=str(enquiry.assignee_id or ""))
    form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(user.id), user.name or user.email) for user in officers(User.agency_id == enquiry.agency_id)
    ]
    return form


@bp.get("/enquiries/<reference>")
@any_staff
def enquiry(reference: str) -> ResponseReturnValue:
    """Everything the investor sent, its handling, notes and mail."""
    item = _visible_enquiry(
        reference,
        joinedload(Enquiry.agency).selectinload(Agency.texts),
        joinedload(Enquiry.opportunity).selectinload(Opportunity.texts),
        selectinload(Enquiry.notes).joinedload(EnquiryNote.author),
        selectinload(Enquiry.messages),
    )
    # Reading an investor's personal data is recorded too (the audit log lists it; the history here does not).
    audit.record("enquiry.view", "enquiry", item.reference, agency_id=item.agency_id)
    db.session.commit()
    history = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "enquiry",
            AuditEntry.object_key == item.reference,
            AuditEntry.action != "enquiry.view",
        )
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.at)
    )
    return render_template(
        "enquiries/staff/enquiry.html",
        item=item,
        history=list(history),
        status_form=_status_form(item),
        assign_form=_assign_form(item),
        note_form=NoteForm(prefix="note"),
        mail_states=MAIL_STATES,
    )


def _submitted(reference: str, make_form: Callable[[Enquiry], Any]) -> tuple[Enquiry, Any]:
    """The enquiry (if the user may see it) and the form posted about it; a 400 if the form is not valid."""
    item = _visible_enquiry(reference)
    form = make_form(item)
    if not form.validate_on_submit():
        abort(400)
    return item, form


def _done(item: Enquiry, action: str, changes: audit.Changes | None = None) -> ResponseReturnValue:
    """Record what staff did (``changes`` of the enquiry's own fields, if any), commit, and show it again."""
    if changes:
        item.updated_at = utcnow()
    if changes is None or changes:
        audit.record(f"enquiry.{action}", "enquiry", item.reference, agency_id=item.agency_id, changes=changes)
    db.session.commit()
    return redirect(url_for(".enquiry", reference=item.reference), code=303)


@bp.post("/enquiries/<reference>/status")
@any_staff
def change_status(reference: str) -> ResponseReturnValue:
    """Move the enquiry along: new, in progress, answered, closed, or spam."""
    item, status_form = _submitted(reference, _status_form)
    now = utcnow()
    values = {"status": status_form.status.data}
    if values["status"] == "answered" and item.first_answered_at is None:
        values["first_answered_at"] = now
    if values["status"] in ("closed", "spam") and item.closed_at is None:
        values["closed_at"] = now
    return _done(item, "status", audit.changed(item, **values))


@bp.post("/enquiries/<reference>/assign")
@any_staff
def assign(reference: str) -> ResponseReturnValue:
    """Give the enquiry to an officer of its agency (or to nobody)."""
    item, assign_form = _submitted(reference, _assign_form)
    assignee = db.session.get(User, int(assign_form.assignee.data)) if assign_form.assignee.data else None
    changes: audit.Changes = {}
    if item.assignee != assignee:
        changes["assignee"] = (item.assignee.email if item.assignee else None, assignee.email if assignee else None)
        item.assignee = assignee
        if assignee is not None:
            # "another officer" once the investor has been told of one before
            told = any(message.kind == "officer" for message in item.messages)
            notifications.queue_officer_mail(item, reassigned=told)
    return _done(item, "assign", changes)


@bp.post("/enquiries/<reference>/notes")
@any_staff
def add_note(reference: str) -> ResponseReturnValue:
    """Add an internal note."""
    item, note_form = _submitted(reference, lambda item: NoteForm(prefix="note"))
    db.session.add(EnquiryNote(enquiry_id=item.id, author_id=current_user.id, body=note_form.body.data.strip()))
    return _done(item, "note")


@bp.get("/enquiries/export.csv")
@any_staff
def export() -> ResponseReturnValue:
    """The filtered list as CSV that opens in Excel with Urdu and Cyrillic intact; who took it is recorded."""
    filters = parse_filters(request.args)
    rows = list(
        db.session.scalars(
            select(Enquiry)
            .where(*conditions(filters))
            .options(joinedload(Enquiry.agency), joinedload(Enquiry.assignee), joinedload(Enquiry.opportunity))
            .order_by(Enquiry.reply_by, Enquiry.id)
        )
    )
    # Which filters, not what was searched for: the words typed may be an investor's name or address.
    used = {key: ("…" if key == "q" else value) for key, value in filters.args().items()}
    audit.record(
        "enquiry.export",
        "enquiry",
        agency_id=current_user.agency_id,
        changes={"filters": (None, urlencode(used) or "—"), "rows": (None, len(rows))},
    )
    db.session.commit()
    return Response(
        to_csv(rows), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=enquiries.csv"}
    )
