"""The one editor of catalogue content: listings, zones, sectors and agencies alike.

A ``Kind`` says what differs between them (form, template, who may edit, a
listing's extra checks, which changes wait for review); ``edit`` shows, checks,
previews and saves any of them, recording every change in the audit log. A
change the public would see at once is saved as a ``Revision`` instead, which
``catalogue.review`` publishes once a second person approves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Date, func, select, update
from sqlalchemy.orm import selectinload

from portal.catalogue.content import markdown, source_choices
from portal.catalogue.forms import TextsForm, with_texts
from portal.catalogue.models import TOPICS_OF, Revision
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.staff import audit
from portal.staff.access import visible_to


def _nothing(*args: Any) -> Any:
    return None


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    """Column values as a revision keeps them: dates as ISO text."""
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()}


def revived(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Column values as the model holds them: the ISO text of a revision's dates back to dates."""
    columns = model.__table__.columns
    return {
        name: date.fromisoformat(value)
        if isinstance(value, str) and name in columns and isinstance(columns[name].type, Date)
        else value
        for name, value in values.items()
    }


@dataclass(frozen=True)
class Kind:
    """What one kind of content needs from the editor."""

    #: also its audit object type and the ``curation.edit_<name>`` endpoint
    name: str
    model: Any
    text_model: Any
    form: type[Any]
    #: the form of one language's texts; None for content without texts (sources)
    texts: type[TextsForm] | None
    #: columns the form edits as they are, one field each
    fields: tuple[str, ...]
    #: select fields that pick a related row: field name → id column
    links: dict[str, str] = field(default_factory=dict)
    #: the column naming the agency whose curators may edit an item (``visible_to``); None: no agency's
    agency_column: str | None = "agency_id"
    #: content of both countries (the corridor, sources): curators of either agency write and review it
    shared: bool = False
    #: the column that names an item in the audit log, unique when it is "slug"
    key: str = "slug"
    template: str = "catalogue/staff/form.html"
    #: fill the form's choices; return the rows a ``check`` may need
    choices: Callable[[Any], Any] = _nothing
    #: extra rules once the form is valid: False (with field errors set) refuses the save
    check: Callable[[Any, Any], bool] = lambda form, rows: True
    #: what a save with changes also sets on the item; returns more changes for the audit log, if any
    touch: Callable[[Any], Any] = _nothing
    #: whether a change to the item (None: a new one) is public at once, so must wait for a second person
    reviewed: Callable[[Any], bool] = lambda item: False
    #: whether "Preview the descriptions" renders the texts' Markdown
    previews: bool = False
    #: more for the template, given the item (None when new)
    context: Callable[[Any], dict[str, Any]] = lambda item: {}


def load(kind: Kind, item_id: int) -> Any:
    """The item with its texts, if the user may edit it; a 404 otherwise (another agency's looks missing)."""
    scope = visible_to(getattr(kind.model, kind.agency_column)) if kind.agency_column else []
    statement = select(kind.model).where(kind.model.id == item_id, *scope)
    if kind.texts is not None:
        statement = statement.options(selectinload(kind.model.texts))
    item = db.session.scalar(statement)
    if item is None:
        abort(404)
    return item


def pending_revision(kind: Kind, item: Any) -> Revision | None:
    """The change to ``item`` waiting for review, if there is one (and the item is still one that needs it)."""
    if item is None or not kind.reviewed(item):
        return None
    return db.session.scalar(
        select(Revision).where(Revision.kind == kind.name, Revision.item_id == item.id, Revision.state == "pending")
    )


def _form(kind: Kind, item: Any, pending: Revision | None) -> Any:
    """The form for ``item`` (None: a new one), filled on GET from the change waiting for review, else the item."""
    languages = current_app.config["LANGUAGES"] if kind.texts is not None else []
    data = None
    if pending is not None and request.method == "GET":
        data = revived(kind.model, {name: pending.values.get(name) for name in kind.fields})
        data.update({name: str(pending.values.get(column) or "") for name, column in kind.links.items()})
        for lang in languages:
            data[f"text_{lang}"] = pending.texts.get(lang) or {}
    elif item is not None and request.method == "GET":
        data = {name: getattr(item, name) for name in kind.fields}
        data.update({name: str(getattr(item, column) or "") for name, column in kind.links.items()})
        for lang in languages:
            data[f"text_{lang}"] = current_text(kind, item, lang) or {}
    form = with_texts(kind.form, kind.texts, languages, data=data) if kind.texts is not None else kind.form(data=data)
    if "citations" in form:
        form.citations.offer(TOPICS_OF[kind.name], source_choices())
    return form


def slug_taken(kind: Kind, slug: str | None, item_id: int | None) -> bool:
    """Whether another item of the kind (not ``item_id``) already has ``slug`` as its address."""
    if kind.key != "slug":
        return False
    others = select(func.count()).where(kind.model.slug == slug, kind.model.id != (item_id or -1))
    return bool(db.session.scalar(others))


def _slug_is_free(kind: Kind, form: Any, item: Any) -> bool:
    if kind.key == "slug" and slug_taken(kind, form.slug.data, item.id if item else None):
        form.slug.errors = [_("Another listing already has this address.")]
        return False
    return True


def proposed(kind: Kind, form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a valid form asks for: {column: value}, and {lang: {field: text}, or None to remove that language}."""
    values = {name: getattr(form, name).data for name in kind.fields}
    values.update({column: _row_id(getattr(form, name).data) for name, column in kind.links.items()})
    if kind.texts is None:
        return values, {}
    texts = {lang: section.form.values() if section.form.filled() else None for lang, section in form.texts()}
    return values, texts


def apply_texts(item: Any, texts: dict[str, Any], model: Any) -> audit.Changes:
    """Add, change or remove the item's text in each language; returns what changed."""
    changes: audit.Changes = {}
    for lang, wanted in texts.items():
        text = item.texts.get(lang)
        if not wanted:
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


def _row_id(value: str | None) -> int | None:
    return int(value) if value else None


def apply(kind: Kind, item: Any, values: dict[str, Any], texts: dict[str, Any]) -> audit.Changes:
    """Set the item's columns and texts to ``values`` and ``texts``; returns what changed."""
    changes = audit.changed(item, **revived(kind.model, values))
    changes.update(apply_texts(item, texts, kind.text_model))
    return changes


def agency_of(kind: Kind, item: Any, values: dict[str, Any]) -> int | None:
    """The agency an item (as ``values`` would make it) belongs to, for the audit log and for review."""
    if kind.agency_column is None:
        return None
    return values.get(kind.agency_column, getattr(item, kind.agency_column, None))


def _save(kind: Kind, form: Any, item: Any) -> Any:
    creating = item is None
    if creating:
        item = kind.model()
        db.session.add(item)
    changes = apply(kind, item, *proposed(kind, form))
    if changes:
        changes.update(kind.touch(item) or {})
    db.session.flush()
    action = f"{kind.name}.{'create' if creating else 'edit'}"
    audit.record(action, kind.name, getattr(item, kind.key), agency_id=agency_of(kind, item, {}), changes=changes)
    return item


def _propose(kind: Kind, form: Any, item: Any, pending: Revision | None) -> Revision | None:
    """Keep the change as a revision for a second person to approve; None if it changes nothing."""
    values, texts = proposed(kind, form)
    changes = differences(kind, item, values, texts)
    if not changes and pending is None:
        return None
    fields = {
        "values": as_json(values),
        "texts": texts,
        "key": str(values.get(kind.key) or getattr(item, kind.key)),
        # Reviewed by the agency whose content it is now; a move to another agency is an administrator's call.
        "agency_id": agency_of(kind, item, {} if item is not None else values),
        "author_id": current_user.id,
        "updated_at": utcnow(),
    }
    revision = None
    if pending is not None:
        # Only while it still waits, so that nothing is written into a change decided meanwhile.
        updated = db.session.execute(
            update(Revision)
            .where(Revision.id == pending.id, Revision.state == "pending")
            .values(version=Revision.version + 1, editor_ids=sorted({*pending.editor_ids, current_user.id}), **fields)
            .execution_options(synchronize_session=False)
        )
        if getattr(updated, "rowcount", 0):
            revision = pending
            db.session.refresh(revision)
    if revision is None:
        revision = Revision(
            kind=kind.name, item_id=item.id if item is not None else None, editor_ids=[current_user.id], **fields
        )
        db.session.add(revision)
        db.session.flush()
    audit.record(f"{kind.name}.revision", kind.name, revision.key, agency_id=revision.agency_id, changes=changes)
    return revision


def withdraw_pending(kind: Kind, item: Any) -> None:
    """Close the changes waiting for an item that is no longer public: they were reviewed against what it was."""
    db.session.execute(
        update(Revision)
        .where(Revision.kind == kind.name, Revision.item_id == item.id, Revision.state == "pending")
        .values(state="withdrawn", decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def changed_columns(item: Any, values: dict[str, Any]) -> audit.Changes:
    """{column: (now, proposed)} for the columns ``values`` would change in ``item`` (None: a new one)."""
    changes: audit.Changes = {}
    if item is not None:
        values = revived(type(item), values)
    for column, value in values.items():
        before = getattr(item, column) if item is not None else None
        if before != value:
            changes[column] = (before, value)
    return changes


def current_text(kind: Kind, item: Any, lang: str) -> dict[str, Any] | None:
    """The item's text in ``lang`` as the editor's fields hold it (and whether it is verified), or None."""
    if kind.texts is None:
        return None
    text = item.texts.get(lang) if item is not None else None
    if text is None:
        return None
    return {**{name: getattr(text, name) or "" for name in kind.texts.FIELDS}, "verified": bool(text.verified)}


def differences(kind: Kind, item: Any, values: dict[str, Any], texts: dict[str, Any]) -> audit.Changes:
    """What ``values`` and ``texts`` would change in ``item`` (None: a new one), as the audit log names it."""
    changes = changed_columns(item, values)
    for lang, wanted in texts.items():
        current = current_text(kind, item, lang)
        if (wanted or None) != current:
            changes[f"text.{lang}"] = (
                "present" if current else None,
                ("edited" if current else "added") if wanted else None,
            )
    return changes


def edit(kind: Kind, item: Any) -> Any:
    """The editor of every kind: show the form, check it, preview or save it (or keep it for review)."""
    pending = pending_revision(kind, item)
    form = _form(kind, item, pending)
    rows = kind.choices(form)
    previews = {}
    status = 200
    if request.method == "POST":
        if not (form.validate_on_submit() and kind.check(form, rows) and _slug_is_free(kind, form, item)):
            status = 400
        elif kind.previews and "preview" in request.form:
            previews = {lang: markdown(section.form.body.data) for lang, section in form.texts()}
        elif kind.reviewed(item):
            revision = _propose(kind, form, item, pending)
            db.session.commit()
            if revision is None:
                flash(_("Nothing was changed."))
                return redirect(request.path, code=303)
            flash(
                _("Saved for review: the public sees the change once another curator or an administrator approves it.")
            )
            return redirect(url_for("review.revision", revision_id=revision.id), code=303)
        else:
            item = _save(kind, form, item)
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for(f"curation.edit_{kind.name}", item_id=item.id), code=303)
    context = kind.context(item)
    page = render_template(
        kind.template,
        form=form,
        item=item,
        kind=kind.name,
        key=kind.key,
        previews=previews,
        pending=pending,
        reviewed=kind.reviewed(item),
        translated=kind.texts is not None,
        **context,
    )
    return page, status


def render_list(kind: Kind, items: list[Any], new: str | None = None) -> str:
    """The items of a kind as links to their editors, with a link to add one (endpoint ``new``)."""
    lang = current_user.preferred_language
    named = [(item, display_name(kind, item, lang)) for item in items]
    return render_template("catalogue/staff/list.html", items=named, kind=kind.name, key=kind.key, new=new)


def display_name(kind: Kind, item: Any, lang: str) -> str:
    """What a list calls an item: its name or title in ``lang`` (else English), else its key."""
    if kind.texts is None:
        return str(getattr(item, "title", None) or getattr(item, kind.key))
    text = item.translation(lang)
    return str(getattr(text, kind.texts.FIELDS[0]) if text else getattr(item, kind.key))
