"""Review: changes to public content wait here until a second person approves them.

A change to a published listing, a zone or a sector is a ``Revision`` (see
``catalogue.editor``). Reviewers see it as a field-by-field diff of the facts
and of the texts in every language; another curator of the agency, or an
administrator, approves it (which publishes it) or rejects it. No one who wrote
any of a revision may approve it. Both decisions go to the audit log.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from portal.agencies.models import Agency
from portal.catalogue import content
from portal.catalogue.editor import Kind, apply, changed_columns, current_text, slug_taken
from portal.catalogue.kinds import KINDS, SHARED
from portal.catalogue.models import (
    AGREEMENT_STATUSES,
    FACT_TOPICS,
    FIGURE_KINDS,
    INCENTIVE_BASES,
    OPPORTUNITY_KINDS,
    REGIONS,
    REVISION_STATES,
    STAGES,
    ZONE_KINDS,
    ZONE_STATUSES,
    Attachment,
    Opportunity,
    Revision,
    Sector,
    Source,
    Zone,
)
from portal.core.extensions import db
from portal.core.forms import LocalizedForm
from portal.core.i18n import format_percent, format_usd
from portal.core.time import utcnow
from portal.staff import audit
from portal.staff.access import roles_required, staff_blueprint, visible_to

bp = staff_blueprint("review", __name__)

#: words and the spaces between them, the units a text's diff is made of
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def moves_agency(revision: Revision) -> bool:
    """Whether the change hands an existing item to another agency."""
    return revision.item_id is not None and revision.values.get("agency_id", revision.agency_id) != revision.agency_id


def visible_revisions(user: Any = current_user) -> list[Any]:
    """WHERE conditions keeping the revisions ``user`` may see: their agency's, and the content both agencies share."""
    if user.is_admin:
        return []
    return [or_(Revision.agency_id == user.agency_id, Revision.kind.in_(SHARED))]


def may_review(user: Any, revision: Revision) -> bool:
    """Another curator of the item's agency, or an administrator; never anyone who wrote part of it.

    Handing an item to another agency is for administrators alone.
    """
    if revision.state != "pending" or user.id in (revision.editor_ids or []):
        return False
    if user.is_admin:
        return True
    if moves_agency(revision):
        return False
    if revision.kind in SHARED:
        return bool(user.role == "curator")
    return user.role == "curator" and revision.agency_id is not None and revision.agency_id == user.agency_id


@dataclass
class Line:
    """One changed fact or text field: its label, and the change as segments ("same", "del" or "ins", text)."""

    label: str
    segments: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Diff:
    facts: list[Line]
    #: every language, in the configured order: the changed fields of its text (empty: unchanged)
    texts: list[tuple[str, list[Line]]]


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``before`` → ``after`` as runs of kept, removed and added words."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(new[j1:j2])))
    return segments


def _label(form_class: Any, name: str) -> str:
    unbound = getattr(form_class, name, None)
    return str(unbound.args[0]) if unbound is not None and unbound.args else name


def _name(item: Any) -> str:
    if item is None:
        return ""
    text = item.translation(current_user.preferred_language)
    return text.name if text else item.slug


def _citations(rows: list[dict[str, Any]]) -> str:
    """A list of citations as a reviewer reads it: one line per group of facts, source and date."""
    lines = []
    for row in rows:
        source = db.session.get(Source, row["source"])
        title = f"{source.title} ({source.publisher})" if source is not None else f"#{row['source']}"
        lines.append(f"{FACT_TOPICS.label(row['topic'])}: {title}, {row['as_of']}")
    return "; ".join(lines) or "—"


def _shown(kind: Kind, column: str, value: Any) -> str:
    """A fact as a reviewer reads it: names for codes and rows, money as money."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    by_column: dict[str, Callable[[Any], str]] = {
        "sector_id": lambda v: _name(db.session.get(Sector, v)),
        "zone_id": lambda v: _name(db.session.get(Zone, v)),
        "agency_id": lambda v: getattr(db.session.get(Agency, v), "code", str(v)),
        "country": content.country_name,
        "region": REGIONS.label,
        "kind": {"zone": ZONE_KINDS, "trade_figure": FIGURE_KINDS}.get(kind.name, OPPORTUNITY_KINDS).label,
        "status": (ZONE_STATUSES if kind.name == "zone" else AGREEMENT_STATUSES).label,
        "citations": _citations,
        "sector_ids": lambda ids: ", ".join(_name(db.session.get(Sector, i)) for i in ids) or "—",
        "opportunity_ids": lambda ids: (
            ", ".join(getattr(db.session.get(Opportunity, i), "slug", str(i)) for i in ids) or "—"
        ),
        "value_usd": format_usd,
        "stage": STAGES.label,
        "min_usd": format_usd,
        "max_usd": format_usd,
        "zone_ids": lambda ids: ", ".join(_name(db.session.get(Zone, i)) for i in ids) or "—",
        "basis": INCENTIVE_BASES.label,
        "general_rate": format_percent,
        "rule_rate": format_percent,
    }
    shown = by_column.get(column)
    return shown(value) if shown else str(value)


def diff(revision: Revision) -> Diff:
    """What approving ``revision`` would change in what the public sees."""
    kind = KINDS[revision.kind]
    item = _item(kind, revision)
    facts = []
    for column, (before, after) in changed_columns(item, revision.values).items():
        name = next((n for n, c in kind.links.items() if c == column), column)
        shown = [("del", _shown(kind, column, before)), ("ins", _shown(kind, column, after))]
        facts.append(Line(_label(kind.form, name), shown))
    texts = []
    for lang in current_app.config["LANGUAGES"]:
        now = current_text(kind, item, lang) or {}
        wanted = revision.texts.get(lang) or {}
        lines = []
        for name in kind.texts.FIELDS if kind.texts is not None else ():
            before, after = now.get(name, ""), wanted.get(name) or ""
            if before != after:
                lines.append(Line(_label(kind.texts, name), word_diff(before, after)))
        if wanted and bool(now.get("verified")) != bool(wanted.get("verified")):
            before_after = (bool(now.get("verified")), bool(wanted.get("verified")))
            shown = [
                ("del", _shown(kind, "verified", before_after[0])),
                ("ins", _shown(kind, "verified", before_after[1])),
            ]
            lines.append(Line(_label(kind.texts, "verified"), shown))
        texts.append((lang, lines))
    return Diff(facts, texts)


def _item(kind: Kind, revision: Revision) -> Any:
    if revision.item_id is None:
        return None
    statement = select(kind.model).where(kind.model.id == revision.item_id)
    if kind.texts is not None:
        statement = statement.options(selectinload(kind.model.texts))
    return db.session.scalar(statement)


def _visible(revision_id: int) -> Revision:
    revision = db.session.scalar(select(Revision).where(Revision.id == revision_id, *visible_revisions()))
    if revision is None:
        abort(404)
    return revision


@bp.get("/revisions")
@roles_required("curator")
def revisions() -> ResponseReturnValue:
    """Changes waiting for review, and the latest decisions."""
    statement = (
        select(Revision)
        .where(*visible_revisions())
        .options(joinedload(Revision.author), joinedload(Revision.decided_by))
    )
    pending = db.session.scalars(statement.where(Revision.state == "pending").order_by(Revision.updated_at))
    decided = db.session.scalars(
        statement.where(Revision.state != "pending").order_by(Revision.decided_at.desc()).limit(20)
    )
    files = db.session.scalars(
        select(Attachment)
        .join(Opportunity)
        .where(Attachment.approved_at.is_(None), *visible_to(Opportunity.agency_id))
        .options(joinedload(Attachment.opportunity))
        .order_by(Attachment.created_at)
    )
    return render_template(
        "catalogue/staff/revisions.html", pending=list(pending), decided=list(decided), files=list(files)
    )


@bp.get("/revisions/<int:revision_id>")
@roles_required("curator")
def revision(revision_id: int) -> ResponseReturnValue:
    """One change as a diff, with approval and rejection for those who may decide."""
    item = _visible(revision_id)
    return render_template(
        "catalogue/staff/revision.html",
        revision=item,
        diff=diff(item),
        may_review=may_review(current_user, item),
        edit_url=_edit_url(item),
    )


def _edit_url(revision: Revision) -> str | None:
    if revision.item_id is None:
        return None
    return url_for(f"curation.edit_{revision.kind}", item_id=revision.item_id)


def _decision(revision_id: int) -> Revision:
    revision = _visible(revision_id)
    if not LocalizedForm().validate_on_submit():
        abort(400)
    if not may_review(current_user, revision):
        abort(403)
    return revision


def _claim(revision: Revision, state: str) -> bool:
    """Decide the revision if it is still pending and still the version the reviewer saw, in one statement.

    Two reviewers at once decide it once; a save between showing and deciding makes the decision fail.
    """
    seen = request.form.get("version", "")
    # ASCII digits only ("²" is a digit to Python), and few enough for the column.
    if not (seen.isascii() and seen.isdigit() and len(seen) <= 9):
        return False
    decided = db.session.execute(
        update(Revision)
        .where(Revision.id == revision.id, Revision.state == "pending", Revision.version == int(seen))
        .values(state=state, decided_by_id=current_user.id, decided_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(decided, "rowcount", 0))


def _not_decided(revision: Revision, why: str) -> ResponseReturnValue:
    """Undo whatever the decision began, and say why on the revision's page."""
    db.session.rollback()
    flash(why)
    return redirect(url_for(".revision", revision_id=revision.id), code=303)


def _decided_meanwhile(revision: Revision) -> ResponseReturnValue:
    return _not_decided(revision, _("This change was decided or edited a moment ago. Please look at it again."))


@bp.post("/revisions/<int:revision_id>/approve")
@roles_required("curator")
def approve(revision_id: int) -> ResponseReturnValue:
    """Publish the change: the item becomes what the revision holds."""
    revision = _decision(revision_id)
    if not _claim(revision, "approved"):
        return _decided_meanwhile(revision)
    kind = KINDS[revision.kind]
    if slug_taken(kind, revision.values.get("slug"), revision.item_id):
        return _not_decided(
            revision, _("Another item already has this address; the change cannot be published as it is.")
        )
    item = _item(kind, revision)
    if revision.item_id is not None and (item is None or not kind.reviewed(item)):
        # The item was withdrawn from the public (or removed) since: the change no longer applies.
        return _not_decided(revision, _("This item is no longer public, so the change no longer applies."))
    if item is None:
        item = kind.model()
        db.session.add(item)
    changes = apply(kind, item, revision.values, revision.texts)
    if hasattr(item, "updated_at"):
        item.updated_at = utcnow()
    db.session.flush()
    revision.item_id = item.id
    audit.record(f"{kind.name}.approve", kind.name, revision.key, agency_id=revision.agency_id, changes=changes)
    db.session.commit()
    flash(_("Approved and published."))
    return redirect(url_for(".revision", revision_id=revision.id), code=303)


@bp.post("/revisions/<int:revision_id>/reject")
@roles_required("curator")
def reject(revision_id: int) -> ResponseReturnValue:
    """Turn the change down: the public version stays as it is."""
    revision = _decision(revision_id)
    if not _claim(revision, "rejected"):
        return _decided_meanwhile(revision)
    audit.record(f"{revision.kind}.reject", revision.kind, revision.key, agency_id=revision.agency_id)
    db.session.commit()
    flash(_("Rejected. The published version stays as it is."))
    return redirect(url_for(".revisions"), code=303)


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(revision_states=REVISION_STATES, moves_agency=moves_agency)
