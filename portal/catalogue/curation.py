"""Curation: the staff pages where listings, zones, sectors and agencies are written, reviewed and published.

Curators edit what their agency owns; administrators edit everything, and alone
edit sectors and agencies. The listing's workflow is in ``catalogue.workflow``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.agencies.models import all_agencies
from portal.catalogue import content, files, workflow
from portal.catalogue.editor import Kind, display_name, edit, load, render_list, withdraw_pending
from portal.catalogue.forms import SynonymForm
from portal.catalogue.kinds import (
    AGENCY,
    AGREEMENT,
    GUIDE,
    INCENTIVE_RULE,
    KINDS,
    LISTING,
    SECTOR,
    SOURCE,
    TRADE_FIGURE,
    ZONE,
)
from portal.catalogue.models import (
    STATES,
    Agreement,
    Attachment,
    Guide,
    IncentiveRule,
    Opportunity,
    Source,
    Synonym,
    TradeFigure,
)
from portal.core.extensions import csrf, db
from portal.core.forms import LocalizedForm
from portal.core.time import utcnow
from portal.staff import audit
from portal.staff.access import roles_required, staff_blueprint, visible_to

bp = staff_blueprint("curation", __name__)


@bp.get("/opportunities")
@roles_required("curator")
def opportunities() -> ResponseReturnValue:
    """The agency's listings in every state, with their languages and last verification."""
    state = request.args.get("state")
    where = visible_to(Opportunity.agency_id) + ([Opportunity.state == state] if state in STATES else [])
    items = db.session.scalars(
        select(Opportunity)
        .where(*where)
        .options(selectinload(Opportunity.texts))
        .order_by(Opportunity.updated_at.desc())
    )
    return render_template(
        "catalogue/staff/opportunities.html",
        items=list(items),
        state=state,
        stale_before=workflow.stale_before(utcnow()),
    )


@bp.route("/opportunities/new", methods=["GET", "POST"])
@roles_required("curator")
def new_opportunity() -> ResponseReturnValue:
    """Write a new listing; it starts as a draft."""
    return edit(LISTING, None)


@bp.route("/opportunities/<int:item_id>", methods=["GET", "POST"])
@roles_required("curator")
def edit_opportunity(item_id: int) -> ResponseReturnValue:
    """Edit a listing's facts and texts."""
    return edit(LISTING, load(LISTING, item_id))


@bp.post("/opportunities/<int:item_id>/state")
@roles_required("curator")
def change_state(item_id: int) -> ResponseReturnValue:
    """Submit, publish, return to draft or archive a listing."""
    item = load(LISTING, item_id)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    try:
        changes = workflow.apply(current_user, action, item)
    except workflow.WorkflowError as error:
        flash(str(error))
    else:
        if item.state != "published":
            withdraw_pending(LISTING, item)
        audit.record(f"opportunity.{action}", "opportunity", item.slug, agency_id=item.agency_id, changes=changes)
        db.session.commit()
    return redirect(url_for(".edit_opportunity", item_id=item.id), code=303)


@bp.post("/opportunities/<int:item_id>/verify")
@roles_required("curator")
def verify(item_id: int) -> ResponseReturnValue:
    """Confirm the listing is still true today."""
    item = load(LISTING, item_id)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    changes = workflow.verify(current_user, item)
    audit.record("opportunity.verify", "opportunity", item.slug, agency_id=item.agency_id, changes=changes)
    db.session.commit()
    if request.form.get("back") == "dashboard":
        return redirect(url_for("dashboard.index"), code=303)
    return redirect(url_for(".edit_opportunity", item_id=item.id), code=303)


@bp.get("/zones")
@roles_required("curator")
def zones() -> ResponseReturnValue:
    """Economic zones, to edit."""
    visible = [zone for zone in content.all_zones() if current_user.can_see_agency(zone.agency_id)]
    return render_list(ZONE, content.zones_in_order(visible, current_user.preferred_language), new="curation.new_zone")


@bp.route("/zones/new", methods=["GET", "POST"])
@roles_required("curator")
def new_zone() -> ResponseReturnValue:
    """Add an economic zone."""
    return edit(ZONE, None)


@bp.route("/zones/<int:item_id>", methods=["GET", "POST"])
@roles_required("curator")
def edit_zone(item_id: int) -> ResponseReturnValue:
    """Edit an economic zone."""
    return edit(ZONE, load(ZONE, item_id))


@bp.get("/sectors")
@roles_required("admin")
def sectors() -> ResponseReturnValue:
    """Sectors, to edit."""
    sectors = content.sectors_in_order(content.all_sectors(), current_user.preferred_language)
    return render_list(SECTOR, sectors, new="curation.new_sector")


@bp.route("/sectors/new", methods=["GET", "POST"])
@roles_required("admin")
def new_sector() -> ResponseReturnValue:
    """Add a sector."""
    return edit(SECTOR, None)


@bp.route("/sectors/<int:item_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_sector(item_id: int) -> ResponseReturnValue:
    """Edit a sector."""
    return edit(SECTOR, load(SECTOR, item_id))


@bp.get("/agencies")
@roles_required("admin")
def agencies() -> ResponseReturnValue:
    """The two agencies: where enquiries go and how fast they promise to answer."""
    return render_list(AGENCY, all_agencies())


@bp.route("/agencies/<int:item_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_agency(item_id: int) -> ResponseReturnValue:
    """Edit an agency's enquiry addresses, reply target and names."""
    return edit(AGENCY, load(AGENCY, item_id))


def _all(model: Any, *order: Any) -> list[Any]:
    return list(db.session.scalars(select(model).order_by(*order)))


def _shared_editor(kind: Kind, path: str, listing: str, listed: Callable[[], list[Any]], what: str) -> None:
    """The pages of content both agencies' curators keep: ``/<path>`` (endpoint ``listing``), ``/<path>/new``
    (``new_<kind>``) and ``/<path>/<id>`` (``edit_<kind>``); ``what`` says what the list holds."""

    def index() -> ResponseReturnValue:
        return render_list(kind, listed(), new=f"curation.new_{kind.name}")

    def new() -> ResponseReturnValue:
        return edit(kind, None)

    def change(item_id: int) -> ResponseReturnValue:
        return edit(kind, load(kind, item_id))

    index.__doc__, new.__doc__, change.__doc__ = what, f"Add to: {what.lower()}", f"Edit one of: {what.lower()}"
    curators = roles_required("curator")
    bp.add_url_rule(f"/{path}", listing, curators(index), methods=["GET"])
    bp.add_url_rule(f"/{path}/new", f"new_{kind.name}", curators(new), methods=["GET", "POST"])
    bp.add_url_rule(f"/{path}/<int:item_id>", f"edit_{kind.name}", curators(change), methods=["GET", "POST"])


_shared_editor(
    SOURCE, "sources", "sources", lambda: _all(Source, Source.published_on.desc()), "The documents facts cite."
)
_shared_editor(
    AGREEMENT,
    "agreements",
    "agreements",
    lambda: _all(Agreement, Agreement.concluded_on.desc()),
    "The corridor's tracker of agreements and commitments.",
)
_shared_editor(
    TRADE_FIGURE,
    "trade-figures",
    "trade_figures",
    lambda: _all(TradeFigure, TradeFigure.period_end),
    "Trade between the two countries: recorded figures and targets.",
)
_shared_editor(GUIDE, "guides", "guides", lambda: _all(Guide, Guide.country.desc()), "The guides to investing.")
_shared_editor(
    INCENTIVE_RULE,
    "incentive-rules",
    "incentive_rules",
    lambda: list(
        db.session.scalars(
            select(IncentiveRule).where(*visible_to(IncentiveRule.agency_id)).order_by(IncentiveRule.slug)
        )
    ),
    "The incentive rules the estimator reckons with, for the zones of each agency's country.",
)


#: the kinds whose editors only administrators open
_ADMIN_KINDS = ("sector", "agency")


@bp.get("/translations")
@roles_required("curator")
def translations() -> ResponseReturnValue:
    """What awaits verification: the texts still draft translations, per kind and item, in each language.

    ``?lang=`` keeps one language. Each language links to its section of the item's editor, where it is ticked.
    """
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang") if request.args.get("lang") in languages else None
    groups = []
    for kind in KINDS.values():
        if kind.texts is None or (kind.name in _ADMIN_KINDS and not current_user.is_admin):
            continue
        drafts = kind.text_model.verified.is_(False) & (kind.text_model.lang == lang if lang else True)
        statement = select(kind.model).where(kind.model.texts.any(drafts)).options(selectinload(kind.model.texts))
        if kind.agency_column is not None and not kind.shared:
            statement = statement.where(*visible_to(getattr(kind.model, kind.agency_column)))
        rows = []
        for item in db.session.scalars(statement.order_by(kind.model.id)):
            waiting = [code for code in languages if code in item.texts and not item.texts[code].verified]
            rows.append((item, display_name(kind, item, current_user.preferred_language), waiting))
        if rows:
            groups.append((kind.name, rows))
    return render_template("catalogue/staff/translations.html", groups=groups, only=lang, languages=languages)


@bp.route("/synonyms", methods=["GET", "POST"])
@roles_required("curator")
def synonyms() -> ResponseReturnValue:
    """The words and phrases search treats as the same ("Kyrgyzstan, Киргизия, …"); add a group."""
    form = SynonymForm(prefix="new")
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    if valid:
        group = Synonym(phrases=form.cleaned(), updated_by_id=current_user.id)
        db.session.add(group)
        db.session.flush()
        audit.record("synonym.add", "synonym", str(group.id), changes={"phrases": (None, group.phrases)})
        db.session.commit()
        flash(_("Saved. Searches use it at once."))
        return redirect(url_for(".synonyms"), code=303)
    groups = list(db.session.scalars(select(Synonym).order_by(Synonym.id)))
    forms = {group.id: SynonymForm(prefix=f"s{group.id}", phrases=group.phrases, formdata=None) for group in groups}
    status = 422 if form.is_submitted() else 200
    return render_template("catalogue/staff/synonyms.html", groups=groups, forms=forms, form=form), status


@bp.post("/synonyms/<int:group_id>")
@roles_required("curator")
def edit_synonym(group_id: int) -> ResponseReturnValue:
    """Change or delete one group of synonyms."""
    group = db.get_or_404(Synonym, group_id)
    form = SynonymForm(prefix=f"s{group.id}")
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    if request.form.get("action") == "delete":
        audit.record("synonym.delete", "synonym", str(group.id), changes={"phrases": (group.phrases, None)})
        db.session.delete(group)
        db.session.commit()
        flash(_("Deleted."))
        return redirect(url_for(".synonyms"), code=303)
    if not valid:
        groups = list(db.session.scalars(select(Synonym).order_by(Synonym.id)))
        forms = {g.id: SynonymForm(prefix=f"s{g.id}", phrases=g.phrases, formdata=None) for g in groups}
        forms[group.id] = form
        new = SynonymForm(prefix="new", formdata=None)
        return render_template("catalogue/staff/synonyms.html", groups=groups, forms=forms, form=new), 422
    before, group.phrases, group.updated_by_id = group.phrases, form.cleaned(), current_user.id
    audit.record("synonym.edit", "synonym", str(group.id), changes={"phrases": (before, group.phrases)})
    db.session.commit()
    flash(_("Saved. Searches use it at once."))
    return redirect(url_for(".synonyms") + f"#synonym-{group.id}", code=303)


def _back(item_id: int) -> ResponseReturnValue:
    return redirect(url_for("curation.edit_opportunity", item_id=item_id) + "#attachments", code=303)


@bp.post("/opportunities/<int:item_id>/attachments")
@csrf.exempt  # checked below, after the larger upload limit is set
@roles_required("curator")
def add_attachment(item_id: int) -> ResponseReturnValue:
    """Attach a PDF brochure or a picture, checked by its content."""
    item = load(LISTING, item_id)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024
    if not LocalizedForm().validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    data = upload.read(limit + 1) if upload else b""
    detected = files.detect(data)
    if not upload or not data:
        flash(_("Please choose a file."))
    elif len(data) > limit:
        abort(413)
    elif detected is None:
        flash(_("Only PDF documents and PNG, JPEG or WebP pictures can be attached."))
    else:
        content_type, extension = detected
        filename = files.clean_filename(upload.filename or "", extension)
        published = item.state == "published"
        attachment = Attachment(
            opportunity=item,
            filename=filename,
            content_type=content_type,
            size=len(data),
            data=data,
            added_by_id=current_user.id,
            # On a listing not yet public, publishing it is the review.
            approved_at=None if published else utcnow(),
        )
        db.session.add(attachment)
        changes: audit.Changes = {"attachment": (None, filename)}
        changes.update(LISTING.touch(item) or {})
        audit.record("attachment.add", "opportunity", item.slug, agency_id=item.agency_id, changes=changes)
        db.session.commit()
        if published:
            flash(_("Attached. The file is shown to the public once another curator or an administrator approves it."))
        else:
            flash(_("Attached."))
    return _back(item.id)


def _posted_attachment(item_id: int, attachment_id: int) -> tuple[Opportunity, Attachment]:
    """The listing (if the user may edit it) and one of its files, for a form posted about the file."""
    item = load(LISTING, item_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.opportunity_id != item.id:
        abort(404)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    return item, attachment


def may_approve(user: Any, attachment: Attachment) -> bool:
    """A second person: a curator of the listing's agency or an administrator who did not add the file."""
    return (
        not attachment.approved
        and user.id != attachment.added_by_id
        and workflow.may_curate(user, attachment.opportunity)
    )


@bp.post("/opportunities/<int:item_id>/attachments/<int:attachment_id>/approve")
@roles_required("curator")
def approve_attachment(item_id: int, attachment_id: int) -> ResponseReturnValue:
    """Show a file added to a published listing to the public: the second person's approval."""
    item, attachment = _posted_attachment(item_id, attachment_id)
    if not may_approve(current_user, attachment):
        abort(403)
    attachment.approved_at = utcnow()
    attachment.approved_by_id = current_user.id
    audit.record(
        "attachment.approve",
        "opportunity",
        item.slug,
        agency_id=item.agency_id,
        changes={"attachment": (None, attachment.filename)},
    )
    db.session.commit()
    return _back(item.id)


@bp.post("/opportunities/<int:item_id>/attachments/<int:attachment_id>/delete")
@roles_required("curator")
def delete_attachment(item_id: int, attachment_id: int) -> ResponseReturnValue:
    """Remove an attachment."""
    item, attachment = _posted_attachment(item_id, attachment_id)
    audit.record(
        "attachment.remove",
        "opportunity",
        item.slug,
        agency_id=item.agency_id,
        changes={"attachment": (attachment.filename, None)},
    )
    db.session.delete(attachment)
    db.session.commit()
    return _back(item.id)


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(workflow_actions=workflow.ACTIONS, may_approve_file=may_approve)
