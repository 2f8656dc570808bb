"""Curation: curators of the owning agency and administrators write, review and publish listings."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from portal.admin import audit
from portal.admin.access import roles_required
from portal.admin.curation_forms import (
    AgencyForm,
    NamedTexts,
    OpportunityForm,
    OpportunityTexts,
    SectorForm,
    ZoneForm,
    ZoneTexts,
    with_texts,
)
from portal.admin.views import bp
from portal.catalogue import content, files, vocabulary, workflow
from portal.catalogue.models import (
    COUNTRIES,
    Agency,
    AgencyText,
    Attachment,
    Opportunity,
    OpportunityText,
    Sector,
    SectorText,
    Zone,
    ZoneText,
    utcnow,
)
from portal.extensions import csrf, db
from portal.forms import LocalizedForm

SHARED_FIELDS = ("slug", "country", "region", "min_usd", "max_usd", "kind", "stage", "featured")


def curated_scope() -> list:
    return [] if current_user.is_admin else [Opportunity.agency_id == current_user.agency_id]


def _curated(item_id: int) -> Opportunity:
    item = db.session.scalar(select(Opportunity).where(Opportunity.id == item_id, *curated_scope())
                             .options(selectinload(Opportunity.texts)))
    if item is None:
        abort(404)
    return item


@bp.get("/opportunities")
@roles_required("curator")
def opportunities():
    """The agency's listings in every state, with their languages and last verification."""
    state = request.args.get("state")
    where = curated_scope() + ([Opportunity.state == state] if state in workflow.STATE_LABELS else [])
    items = list(db.session.scalars(select(Opportunity).where(*where).options(selectinload(Opportunity.texts))
                                    .order_by(Opportunity.updated_at.desc())))
    stale_before = utcnow() - timedelta(days=workflow.STALE_AFTER_DAYS)
    return render_template("admin/opportunities.html", items=items, state=state, stale_before=stale_before)


def _place_choices(form) -> None:
    """Country, region and the agencies the user may file under (their own, or any for administrators)."""
    form.country.choices = [SelectChoice(c, content.country_name(c)) for c in COUNTRIES]
    form.region.choices = [SelectChoice(code, label) for code, label in vocabulary.REGIONS.items()]
    agencies = [a for a in content.all_agencies() if current_user.is_admin or a.id == current_user.agency_id]
    form.agency.choices = [SelectChoice(str(a.id), a.code) for a in agencies]


def _choices(form) -> dict:
    """Fill the listing form's lists; returns the zones by id."""
    lang = current_user.preferred_language
    _place_choices(form)
    form.sector.choices = [SelectChoice(str(s.id), s.translation(lang).name if s.texts else s.slug)
                           for s in content.all_sectors()]
    zones = content.all_zones()
    form.zone.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(z.id), z.translation(lang).name if z.texts else z.slug) for z in zones]
    return {z.id: z for z in zones}


def form_for(base, texts, item, shared: tuple[str, ...], **extra):
    """The form for ``item`` (None: a new one), filled from it on GET."""
    languages = current_app.config["LANGUAGES"]
    data = None
    if item is not None and request.method == "GET":
        data = {field: getattr(item, field) for field in shared}
        data.update(extra)
        for lang in languages:
            text = item.texts.get(lang)
            data[f"text_{lang}"] = {name: getattr(text, name) for name in texts.FIELDS} if text else {}
    return with_texts(base, texts, languages, data=data)


def save_texts(item, form, model) -> dict:
    """Add, change or remove the item's text in each language; returns what changed."""
    changes = {}
    for lang, section in form.texts():
        text = item.texts.get(lang)
        wanted = section.form.values()
        if not section.form.filled():
            if text is not None:
                del item.texts[lang]
                changes[f"text.{lang}"] = ("present", None)
        elif text is None:
            item.texts[lang] = model(lang=lang, **wanted)
            changes[f"text.{lang}"] = (None, "added")
        elif any(getattr(text, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(text, k, v)
            changes[f"text.{lang}"] = ("edited", "edited")
    return changes


def _form_for(item: Opportunity | None):
    extra = {}
    if item is not None:
        extra = {"sector": str(item.sector_id), "zone": str(item.zone_id or ""), "agency": str(item.agency_id)}
    return form_for(OpportunityForm, OpportunityTexts, item, SHARED_FIELDS, **extra)


def _save(form, item: Opportunity | None) -> tuple[Opportunity, dict]:
    now = utcnow()
    creating = item is None
    if creating:
        item = Opportunity(state="draft", created_at=now)
        db.session.add(item)
    values = {field: getattr(form, field).data for field in SHARED_FIELDS}
    values["featured"] = bool(values["featured"])
    values.update(sector_id=int(form.sector.data), agency_id=int(form.agency.data),
                  zone_id=int(form.zone.data) if form.zone.data else None)
    changes = audit.changed(item, **values)
    changes.update(save_texts(item, form, OpportunityText))
    if changes:
        item.edited_by_id = current_user.id
    item.updated_at = now
    return item, changes


def _edit(item: Opportunity | None):
    form = _form_for(item)
    zones = _choices(form)
    previews = {}
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        elif form.zone.data and zones[int(form.zone.data)].country != form.country.data:
            form.zone.errors = [_("This zone is not in the chosen country.")]
            status = 400
        elif int(form.agency.data) not in [int(c.value) for c in form.agency.choices]:
            abort(403)
        elif db.session.scalar(select(func.count()).select_from(Opportunity).where(
                Opportunity.slug == form.slug.data, Opportunity.id != (item.id if item else -1))):
            form.slug.errors = [_("Another listing already has this address.")]
            status = 400
        elif "preview" in request.form:
            previews = {lang: content.markdown(section.form.body.data) for lang, section in form.texts()}
        else:
            item, changes = _save(form, item)
            db.session.flush()
            action = "opportunity.create" if changes.get("slug", (True,))[0] is None else "opportunity.edit"
            audit.record(action,
                         "opportunity", item.slug, agency_id=item.agency_id, changes=changes)
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for(".edit_opportunity", item_id=item.id), code=303)
    return render_template("admin/opportunity_form.html", form=form, item=item, previews=previews,
                           actions=workflow.allowed_actions(current_user, item) if item else []), status


@bp.route("/opportunities/new", methods=["GET", "POST"])
@roles_required("curator")
def new_opportunity():
    """Write a new listing; it starts as a draft."""
    return _edit(None)


@bp.route("/opportunities/<int:item_id>", methods=["GET", "POST"])
@roles_required("curator")
def edit_opportunity(item_id):
    """Edit a listing's facts and texts."""
    return _edit(_curated(item_id))


@bp.post("/opportunities/<int:item_id>/state")
@roles_required("curator")
def change_state(item_id):
    """Submit, publish, return to draft or archive a listing."""
    item = _curated(item_id)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    try:
        changes = workflow.apply(current_user, action, item)
    except workflow.WorkflowError as error:
        flash(str(error))
        return redirect(url_for(".edit_opportunity", item_id=item.id), code=303)
    audit.record(f"opportunity.{action}", "opportunity", item.slug, agency_id=item.agency_id, changes=changes)
    db.session.commit()
    return redirect(url_for(".edit_opportunity", item_id=item.id), code=303)


@bp.post("/opportunities/<int:item_id>/verify")
@roles_required("curator")
def verify(item_id):
    """Confirm the listing is still true today."""
    item = _curated(item_id)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    changes = workflow.verify(current_user, item)
    audit.record("opportunity.verify", "opportunity", item.slug, agency_id=item.agency_id, changes=changes)
    db.session.commit()
    return redirect(request.form.get("back") == "dashboard" and url_for(".dashboard")
                    or url_for(".edit_opportunity", item_id=item.id), code=303)



# Zones (curators of the operating agency, administrators), sectors and agencies (administrators).

ZONE_FIELDS = ("slug", "country", "kind", "region", "latitude", "longitude", "area_ha", "established")


def _edit_object(*, item, model, text_model, form, shared, extra_values, unique_slug, template, kind, back, agency_id):
    """Validate and save a zone, sector or agency form; shared by their views."""
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        elif unique_slug and db.session.scalar(select(func.count()).select_from(model).where(
                model.slug == form.slug.data, model.id != (item.id if item else -1))):
            form.slug.errors = [_("Another listing already has this address.")]
            status = 400
        else:
            creating = item is None
            if creating:
                item = model()
                db.session.add(item)
            values = {field: getattr(form, field).data for field in shared}
            values.update(extra_values(form))
            changes = audit.changed(item, **values)
            changes.update(save_texts(item, form, text_model))
            db.session.flush()
            audit.record(f"{kind}.{'create' if creating else 'edit'}", kind,
                         getattr(item, "slug", None) or getattr(item, "code", ""),
                         agency_id=agency_id(item), changes=changes)
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for(back, item_id=item.id), code=303)
    return render_template(template, form=form, item=item, kind=kind), status


@bp.get("/zones")
@roles_required("curator")
def zones():
    """Economic zones, to edit."""
    items = [z for z in content.all_zones() if current_user.is_admin or z.agency_id == current_user.agency_id]
    return render_template("admin/catalogue_list.html", items=items, kind="zone",
                           edit="admin.edit_zone", new="admin.new_zone")


def _zone_view(item):
    if item is not None and not (current_user.is_admin or item.agency_id == current_user.agency_id):
        abort(404)
    form = form_for(ZoneForm, ZoneTexts, item, ZONE_FIELDS, **({"agency": str(item.agency_id)} if item else {}))
    _place_choices(form)
    return _edit_object(item=item, model=Zone, text_model=ZoneText, form=form, shared=ZONE_FIELDS,
                        extra_values=lambda f: {"agency_id": int(f.agency.data), "updated_at": utcnow()},
                        unique_slug=True, template="admin/catalogue_form.html", kind="zone",
                        back=".edit_zone", agency_id=lambda z: z.agency_id)


@bp.route("/zones/new", methods=["GET", "POST"])
@roles_required("curator")
def new_zone():
    """Add an economic zone."""
    return _zone_view(None)


@bp.route("/zones/<int:item_id>", methods=["GET", "POST"])
@roles_required("curator")
def edit_zone(item_id):
    """Edit an economic zone."""
    item = db.session.get(Zone, item_id)
    if item is None:
        abort(404)
    return _zone_view(item)


@bp.get("/sectors")
@roles_required("admin")
def sectors():
    """Sectors, to edit."""
    return render_template("admin/catalogue_list.html", items=content.all_sectors(), kind="sector",
                           edit="admin.edit_sector", new="admin.new_sector")


def _sector_view(item):
    form = form_for(SectorForm, NamedTexts, item, ("slug", "position"))
    return _edit_object(item=item, model=Sector, text_model=SectorText, form=form, shared=("slug",),
                        extra_values=lambda f: {"position": f.position.data or 0}, unique_slug=True,
                        template="admin/catalogue_form.html", kind="sector", back=".edit_sector",
                        agency_id=lambda s: None)


@bp.route("/sectors/new", methods=["GET", "POST"])
@roles_required("admin")
def new_sector():
    """Add a sector."""
    return _sector_view(None)


@bp.route("/sectors/<int:item_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_sector(item_id):
    """Edit a sector."""
    item = db.session.get(Sector, item_id)
    if item is None:
        abort(404)
    return _sector_view(item)


@bp.get("/agencies")
@roles_required("admin")
def agencies():
    """The two agencies: where enquiries go and how fast they promise to answer."""
    return render_template("admin/catalogue_list.html", items=content.all_agencies(), kind="agency",
                           edit="admin.edit_agency", new=None)


@bp.route("/agencies/<int:item_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_agency(item_id):
    """Edit an agency's enquiry addresses, reply target and names."""
    item = db.session.get(Agency, item_id)
    if item is None:
        abort(404)
    shared = ("website", "enquiry_email", "reply_days", "notification_language")
    form = form_for(AgencyForm, NamedTexts, item, shared)
    return _edit_object(item=item, model=Agency, text_model=AgencyText, form=form, shared=shared,
                        extra_values=lambda f: {}, unique_slug=False, template="admin/catalogue_form.html",
                        kind="agency", back=".edit_agency", agency_id=lambda a: a.id)


# Attachments: brochures and pictures of a listing.

@bp.post("/opportunities/<int:item_id>/attachments")
@csrf.exempt  # checked below, after the larger upload limit is set
@roles_required("curator")
def add_attachment(item_id):
    """Attach a PDF brochure or a picture, checked by its content."""
    item = _curated(item_id)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024
    if not LocalizedForm().validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    data = upload.read(limit + 1) if upload else b""
    detected = files.detect(data)
    if not data:
        flash(_("Please choose a file."))
    elif len(data) > limit:
        abort(413)
    elif detected is None:
        flash(_("Only PDF documents and PNG, JPEG or WebP pictures can be attached."))
    else:
        content_type, extension = detected
        attachment = Attachment(opportunity=item, filename=files.clean_filename(upload.filename, extension),
                                content_type=content_type, size=len(data), data=data)
        db.session.add(attachment)
        audit.record("attachment.add", "opportunity", item.slug, agency_id=item.agency_id,
                     changes={"attachment": (None, attachment.filename)})
        db.session.commit()
        flash(_("Attached."))
    return redirect(url_for(".edit_opportunity", item_id=item.id) + "#attachments", code=303)


@bp.post("/opportunities/<int:item_id>/attachments/<int:attachment_id>/delete")
@roles_required("curator")
def delete_attachment(item_id, attachment_id):
    """Remove an attachment."""
    item = _curated(item_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.opportunity_id != item.id:
        abort(404)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    audit.record("attachment.remove", "opportunity", item.slug, agency_id=item.agency_id,
                 changes={"attachment": (attachment.filename, None)})
    db.session.delete(attachment)
    db.session.commit()
    return redirect(url_for(".edit_opportunity", item_id=item.id) + "#attachments", code=303)
