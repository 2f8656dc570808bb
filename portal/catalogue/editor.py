"""The one editor of catalogue content: listings, zones, sectors and agencies alike.

A ``Kind`` says what differs between them (form, template, who may edit, a
listing's extra checks); ``edit`` shows, checks, previews and saves any of them,
recording every change in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.catalogue.content import markdown
from portal.catalogue.forms import TextsForm, with_texts
from portal.core.extensions import db
from portal.staff import audit
from portal.staff.access import visible_to


def _nothing(*args: Any) -> Any:
    return None


@dataclass(frozen=True)
class Kind:
    """What one kind of content needs from the editor."""

    #: also its audit object type and the ``curation.edit_<name>`` endpoint
    name: str
    model: Any
    text_model: Any
    form: type[Any]
    texts: type[TextsForm]
    #: columns the form edits as they are, one field each
    fields: tuple[str, ...]
    #: select fields that pick a related row: field name → id column
    links: dict[str, str] = field(default_factory=dict)
    #: the column naming the agency whose curators may edit an item (``visible_to``); None: no agency's
    agency_column: str | None = "agency_id"
    #: the column that names an item in the audit log, unique when it is "slug"
    key: str = "slug"
    template: str = "catalogue/staff/form.html"
    #: fill the form's choices; return the rows a ``check`` may need
    choices: Callable[[Any], Any] = _nothing
    #: extra rules once the form is valid: False (with field errors set) refuses the save
    check: Callable[[Any, Any], bool] = lambda form, rows: True
    #: what a save with changes also sets on the item
    touch: Callable[[Any], None] = _nothing
    #: whether "Preview the descriptions" renders the texts' Markdown
    previews: bool = False
    #: more for the template, given the item (None when new)
    context: Callable[[Any], dict[str, Any]] = lambda item: {}


def load(kind: Kind, item_id: int) -> Any:
    """The item with its texts, if the user may edit it; a 404 otherwise (another agency's looks missing)."""
    scope = visible_to(getattr(kind.model, kind.agency_column)) if kind.agency_column else []
    statement = select(kind.model).where(kind.model.id == item_id, *scope).options(selectinload(kind.model.texts))
    item = db.session.scalar(statement)
    if item is None:
        abort(404)
    return item


def _form(kind: Kind, item: Any) -> Any:
    """The form for ``item`` (None: a new one), filled from it on GET."""
    languages = current_app.config["LANGUAGES"]
    data = None
    if item is not None and request.method == "GET":
        data = {name: getattr(item, name) for name in kind.fields}
        data.update({name: str(getattr(item, column) or "") for name, column in kind.links.items()})
        for lang in languages:
            text = item.texts.get(lang)
            data[f"text_{lang}"] = {name: getattr(text, name) for name in kind.texts.FIELDS} if text else {}
    return with_texts(kind.form, kind.texts, languages, data=data)


def _slug_is_free(kind: Kind, form: Any, item: Any) -> bool:
    if kind.key != "slug":
        return True
    others = select(func.count()).where(kind.model.slug == form.slug.data, kind.model.id != (item.id if item else -1))
    if db.session.scalar(others):
        form.slug.errors = [_("Another listing already has this address.")]
        return False
    return True


def save_texts(item: Any, form: Any, model: Any) -> audit.Changes:
    """Add, change or remove the item's text in each language; returns what changed."""
    changes: audit.Changes = {}
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


def _row_id(value: str | None) -> int | None:
    return int(value) if value else None


def _save(kind: Kind, form: Any, item: Any) -> Any:
    creating = item is None
    if creating:
        item = kind.model()
        db.session.add(item)
    values = {name: getattr(form, name).data for name in kind.fields}
    values.update({column: _row_id(getattr(form, name).data) for name, column in kind.links.items()})
    changes = audit.changed(item, **values)
    changes.update(save_texts(item, form, kind.text_model))
    if changes:
        kind.touch(item)
    db.session.flush()
    agency_id = getattr(item, kind.agency_column) if kind.agency_column else None
    action = f"{kind.name}.{'create' if creating else 'edit'}"
    audit.record(action, kind.name, getattr(item, kind.key), agency_id=agency_id, changes=changes)
    return item


def edit(kind: Kind, item: Any) -> Any:
    """The editor of every kind: show the form, check it, preview or save it."""
    form = _form(kind, item)
    rows = kind.choices(form)
    previews = {}
    status = 200
    if request.method == "POST":
        if not (form.validate_on_submit() and kind.check(form, rows) and _slug_is_free(kind, form, item)):
            status = 400
        elif kind.previews and "preview" in request.form:
            previews = {lang: markdown(section.form.body.data) for lang, section in form.texts()}
        else:
            item = _save(kind, form, item)
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for(f"curation.edit_{kind.name}", item_id=item.id), code=303)
    context = kind.context(item)
    page = render_template(
        kind.template, form=form, item=item, kind=kind.name, key=kind.key, previews=previews, **context
    )
    return page, status


def render_list(kind: Kind, items: list[Any], new: str | None = None) -> str:
    """The items of a kind as links to their editors, with a link to add one (endpoint ``new``)."""
    return render_template("catalogue/staff/list.html", items=items, kind=kind.name, key=kind.key, new=new)
