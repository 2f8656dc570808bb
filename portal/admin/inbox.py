"""The enquiry inbox: each agency's staff see and work their own agency's enquiries only."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from portal.admin import audit
from portal.admin.access import roles_required
from portal.admin.forms import AssignForm, NoteForm, StatusForm
from portal.admin.models import AuditEntry, EnquiryNote, User
from portal.admin.views import bp
from portal.catalogue.models import Agency, Opportunity, Sector, utcnow
from portal.enquiries.forms import STATUS_LABELS
from portal.enquiries.models import STATUSES, Enquiry
from portal.extensions import db
from portal.mail.models import OutboxMessage

PER_PAGE = 25
STAFF = ("curator", "officer")


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

    def args(self, **changes) -> dict:
        values = {**self.__dict__, **changes}
        out = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()
               if v not in (None, "", False) and k != "page"}
        if values.get("overdue"):
            out["overdue"] = "1"
        if values.get("page", 1) != 1:
            out["page"] = values["page"]
        return out


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(args) -> InboxFilters:
    page = args.get("page", "1")
    status = args.get("status") or None
    assignee = args.get("assignee") or None
    country = (args.get("country") or "").upper()[:2] or None
    return InboxFilters(
        status=status if status in STATUSES else None,
        sector=(args.get("sector") or "")[:80] or None,
        country=country if country and country.isalpha() else None,
        since=_date(args.get("since")),
        until=_date(args.get("until")),
        assignee=assignee if assignee and (assignee == "none" or assignee.isdigit()) else None,
        overdue=args.get("overdue") in ("1", "on", "true"),
        q=(args.get("q") or "").strip()[:100],
        page=int(page) if page.isdigit() and len(page) < 7 and int(page) > 0 else 1,
    )


def scoped():
    """Conditions limiting enquiries to what the current user may see."""
    return [] if current_user.is_admin else [Enquiry.agency_id == current_user.agency_id]


def conditions(filters: InboxFilters) -> list:
    where = scoped()
    if filters.status:
        where.append(Enquiry.status == filters.status)
    if filters.sector:
        where.append(Enquiry.opportunity_id.in_(
            select(Opportunity.id).join(Sector).where(Sector.slug == filters.sector)))
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
        where.append(Enquiry.status.in_(("new", "in_progress")))
        where.append(Enquiry.reply_by < utcnow().date())
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(Enquiry.reference.ilike(pattern, escape="\\"), Enquiry.name.ilike(pattern, escape="\\"),
                         Enquiry.organisation.ilike(pattern, escape="\\")))
    return where


def staff_of_agency(agency_id: int) -> list[User]:
    """The officers an enquiry of the agency can be assigned to."""
    return list(db.session.scalars(
        select(User).where(User.agency_id == agency_id, User.role == "officer", User.active.is_(True))
        .order_by(User.name, User.email)))


def visible_assignees() -> list[User]:
    where = [User.active.is_(True), User.role == "officer"]
    if not current_user.is_admin:
        where.append(User.agency_id == current_user.agency_id)
    return list(db.session.scalars(select(User).where(*where).order_by(User.name, User.email)))


@bp.get("/enquiries")
@roles_required(*STAFF)
def enquiries():
    """The agency's enquiries, soonest reply date first, overdue ones marked."""
    filters = parse_filters(request.args)
    where = conditions(filters)
    total = db.session.scalar(select(func.count()).select_from(Enquiry).where(*where))
    pages = max(1, math.ceil(total / PER_PAGE))
    if filters.page > pages:
        abort(404)
    items = list(db.session.scalars(
        select(Enquiry).where(*where)
        .options(joinedload(Enquiry.agency), joinedload(Enquiry.assignee))
        .order_by(Enquiry.reply_by, Enquiry.id)
        .limit(PER_PAGE).offset((filters.page - 1) * PER_PAGE)))
    sectors = list(db.session.scalars(select(Sector).options(selectinload(Sector.texts)).order_by(Sector.position)))
    return render_template("admin/enquiries.html", items=items, total=total, pages=pages, filters=filters,
                           sectors=sectors, assignees=visible_assignees(), statuses=STATUSES)


def _visible_enquiry(reference: str, *options) -> Enquiry:
    """The enquiry if the current user may see it, else a 404 (another agency's looks missing)."""
    enquiry = db.session.scalar(
        select(Enquiry).where(Enquiry.reference == reference[:20], *scoped()).options(*options))
    if enquiry is None:
        abort(404)
    return enquiry


def _status_form(enquiry: Enquiry) -> StatusForm:
    form = StatusForm(prefix="status", status=enquiry.status)
    form.status.choices = [SelectChoice(code, STATUS_LABELS[code]) for code in STATUSES]
    return form


def _assign_form(enquiry: Enquiry) -> AssignForm:
    form = AssignForm(prefix="assign", assignee=str(enquiry.assignee_id or ""))
    form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(user.id), user.name or user.email) for user in staff_of_agency(enquiry.agency_id)]
    return form


@bp.get("/enquiries/<reference>")
@roles_required(*STAFF)
def enquiry(reference):
    """Everything the investor sent, its handling, notes and mail."""
    item = _visible_enquiry(
        reference,
        joinedload(Enquiry.agency).selectinload(Agency.texts),
        joinedload(Enquiry.opportunity).selectinload(Opportunity.texts),
        selectinload(Enquiry.notes).joinedload(EnquiryNote.author),
    )
    mail = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.enquiry_id == item.id)
                                   .order_by(OutboxMessage.id)))
    history = list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "enquiry", AuditEntry.object_key == item.reference)
        .options(joinedload(AuditEntry.user)).order_by(AuditEntry.at)))
    return render_template("admin/enquiry.html", item=item, mail=mail, history=history,
                           status_form=_status_form(item), assign_form=_assign_form(item),
                           note_form=NoteForm(prefix="note"))


def _back(item):
    return redirect(url_for(".enquiry", reference=item.reference), code=303)


@bp.post("/enquiries/<reference>/status")
@roles_required(*STAFF)
def change_status(reference):
    """Move the enquiry along: new, in progress, answered, closed, or spam."""
    item = _visible_enquiry(reference)
    status_form = _status_form(item)
    if not status_form.validate_on_submit():
        abort(400)
    now = utcnow()
    values = {"status": status_form.status.data}
    if values["status"] == "answered" and item.first_answered_at is None:
        values["first_answered_at"] = now
    if values["status"] in ("closed", "spam") and item.closed_at is None:
        values["closed_at"] = now
    changes = audit.changed(item, **values)
    if changes:
        item.updated_at = now
        audit.record("enquiry.status", "enquiry", item.reference, agency_id=item.agency_id, changes=changes)
    db.session.commit()
    return _back(item)


@bp.post("/enquiries/<reference>/assign")
@roles_required(*STAFF)
def assign(reference):
    """Give the enquiry to an officer of its agency (or to nobody)."""
    item = _visible_enquiry(reference)
    assign_form = _assign_form(item)
    if not assign_form.validate_on_submit():
        abort(400)
    assignee_id = int(assign_form.assignee.data) if assign_form.assignee.data else None
    before = item.assignee.email if item.assignee else None
    after = db.session.get(User, assignee_id).email if assignee_id else None
    if item.assignee_id != assignee_id:
        item.assignee_id = assignee_id
        item.updated_at = utcnow()
        audit.record("enquiry.assign", "enquiry", item.reference, agency_id=item.agency_id,
                     changes={"assignee": (before, after)})
    db.session.commit()
    return _back(item)


@bp.post("/enquiries/<reference>/notes")
@roles_required(*STAFF)
def add_note(reference):
    """Add an internal note."""
    item = _visible_enquiry(reference)
    note_form = NoteForm(prefix="note")
    if not note_form.validate_on_submit():
        abort(400)
    db.session.add(EnquiryNote(enquiry_id=item.id, author_id=current_user.id, body=note_form.body.data.strip()))
    audit.record("enquiry.note", "enquiry", item.reference, agency_id=item.agency_id)
    db.session.commit()
    return _back(item)


#: Characters that make a spreadsheet treat a cell as a formula (full-width forms included).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_safe(value) -> str:
    """A cell value that Excel and LibreOffice show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


@bp.get("/enquiries/export.csv")
@roles_required(*STAFF)
def export():
    """The filtered list as CSV that opens in Excel with Urdu and Cyrillic intact."""
    filters = parse_filters(request.args)
    rows = db.session.scalars(
        select(Enquiry).where(*conditions(filters))
        .options(joinedload(Enquiry.agency), joinedload(Enquiry.assignee),
                 joinedload(Enquiry.opportunity))
        .order_by(Enquiry.reply_by, Enquiry.id))
    out = io.StringIO()
    out.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer = csv.writer(out)
    writer.writerow(["reference", "agency", "status", "received", "reply_by", "overdue", "name", "organisation",
                     "email", "phone", "country", "investor_type", "ticket_size", "opportunity", "language",
                     "reply_language", "assignee", "message"])
    for item in rows:
        writer.writerow([spreadsheet_safe(v) for v in (
            item.reference, item.agency.code, item.status, item.created_at.isoformat(timespec="minutes"),
            item.reply_by.isoformat(), "yes" if item.overdue else "no", item.name, item.organisation,
            item.email, item.phone, item.country, item.investor_type, item.ticket_size,
            item.opportunity.slug if item.opportunity else "", item.language, item.reply_language,
            item.assignee.email if item.assignee else "", item.message)])
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=enquiries.csv"})
