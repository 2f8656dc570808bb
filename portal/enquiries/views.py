"""Public pages of enquiries: the form, its confirmation, and the status lookup."""

from __future__ import annotations

import hmac
import math
from typing import Any
from urllib.parse import parse_qsl

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from portal.agencies.models import Agency, all_agencies
from portal.catalogue import content, estimator
from portal.catalogue.content import valid_slug
from portal.catalogue.models import Opportunity
from portal.core.extensions import csrf, db, limiter
from portal.core.i18n import language_blueprint
from portal.core.time import utcnow
from portal.enquiries import response_times, routing
from portal.enquiries.forms import EnquiryForm, StatusLookupForm
from portal.enquiries.models import INVESTOR_TYPES, STATUSES, TICKET_SIZES, Enquiry

bp = language_blueprint("enquiries", __name__, template_folder="templates")

_SENT = "sent_enquiries"


@bp.get("/response-times")
def response_times_page() -> ResponseReturnValue:
    """How fast each agency answers, from the records, as they stand now (never kept: enquiries change it)."""
    figures = response_times.published(utcnow())
    agencies = {a.code: a for a in all_agencies()}
    return render_template(
        "enquiries/response_times.html",
        figures=figures,
        agencies=agencies,
        smallest=response_times.SMALLEST,
        month_starts={month: response_times.month_start(month) for month in figures.months},
        sectors={s.slug: s for s in content.public_sectors()},
    )


def _opportunity(slug: str | None) -> Opportunity | None:
    """The published opportunity the enquiry is about; 404 for an unknown one."""
    if not slug:
        return None
    opportunity = db.session.scalar(
        select(Opportunity)
        .where(Opportunity.slug == valid_slug(slug), Opportunity.state == "published")
        .options(joinedload(Opportunity.agency).selectinload(Agency.texts), joinedload(Opportunity.texts))
    )
    if opportunity is None:
        abort(404)
    return opportunity


@bp.route("/enquire", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself and shows the form again, keeping what was typed
@limiter.limit(lambda: current_app.config["ENQUIRY_RATE_LIMIT"], methods=["POST"])
def enquire() -> ResponseReturnValue:
    """Send an enquiry to the agency that can act on it."""
    opportunity = _opportunity(request.args.get("opportunity", type=str))
    form = EnquiryForm(general=opportunity is None)
    if request.method == "GET":
        form.reply_language.data = g.lang
        form.country.data = form.country.data or ""
        form.estimate.data = request.args.get("estimate", "")[:1000]
    valid = form.validate_on_submit()
    estimate = _estimate(form)  # after validating, which clears the errors _estimate may set
    if request.method == "GET" and estimate is not None and opportunity is None:
        form.destination.data = _country_of_zone(estimate["zone"])
    status = 200
    if valid and not form.estimate.errors:
        if form.website.data:
            # Only automated senders fill the hidden field; nothing is stored or sent.
            form.form_errors.append("honeypot")
            status = 400
        else:
            enquiries = routing.submit(
                form.details(),
                language=g.lang,
                destination=form.destination_code,
                opportunity=opportunity,
                estimate=estimate,
            )
            session[_SENT] = [e.reference for e in enquiries]
            return redirect(url_for(".sent"), code=303)
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "enquiries/form.html", form=form, opportunity=opportunity, estimate=estimate, answers=_answers()
        ),
        status,
    )


def _estimate(form: EnquiryForm) -> dict[str, Any] | None:
    """The incentive estimate attached to the enquiry, worked out again from its figures; an error if invalid."""
    if not form.estimate.data:
        return None
    estimate = estimator.snapshot(MultiDict(parse_qsl(form.estimate.data)), g.lang)
    if estimate is None:
        form.estimate.errors = [
            _(
                "The attached incentive estimate cannot be read. "
                "Open the estimator again, or send the enquiry without it."
            )
        ]
    return estimate


def _country_of_zone(slug: str) -> str:
    zone = estimator.public_zone(slug)
    return zone.country.lower() if zone is not None else ""


def _answers() -> list[tuple[str, int]]:
    """(agency code, N) for each agency that answers most enquiries within N working days, from the figures."""
    figures = response_times.published(utcnow())
    if figures.sample:  # invented figures are no promise
        return []
    return [
        (shown.agency, max(1, math.ceil(shown.overall.median_days)))
        for shown in figures.agencies
        if shown.overall.median_days is not None
    ]


@bp.get("/enquire/sent")
def sent() -> ResponseReturnValue:
    """Confirmation: the reference numbers and the promised reply dates."""
    references = session.get(_SENT) or []
    if not isinstance(references, list) or not references:
        return redirect(url_for(".enquire"))
    enquiries = list(
        db.session.scalars(
            select(Enquiry)
            .where(Enquiry.reference.in_([str(r) for r in references[:2]]))
            .options(joinedload(Enquiry.agency).selectinload(Agency.texts))
            .order_by(Enquiry.id)
        )
    )
    if not enquiries:
        return redirect(url_for(".enquire"))
    return render_template("enquiries/sent.html", enquiries=enquiries)


#: compared with when the reference is unknown, so that a wrong reference and a wrong address cost the same
_NO_ADDRESS = "\x00"


def _look_up(reference: str, email: str) -> Enquiry | None:
    """The enquiry with this reference and address, else None, in the same time whichever of the two is wrong.

    One query of one shape answers both cases, and the addresses are always
    compared, in constant time; the enquiry and its agency are loaded only when
    both match.
    """
    row = db.session.execute(
        select(Enquiry.id, Enquiry.email).where(Enquiry.reference == reference, Enquiry.anonymised_at.is_(None))
    ).first()
    stored = row.email if row is not None else _NO_ADDRESS
    # Compared here rather than in SQL: SQLite's lower() knows only ASCII.
    same = hmac.compare_digest(stored.casefold().encode(), email.casefold().encode())
    if row is None or not same:
        return None
    return db.session.scalar(
        select(Enquiry).where(Enquiry.id == row.id).options(joinedload(Enquiry.agency).selectinload(Agency.texts))
    )


@bp.route("/enquiries/status", methods=["GET", "POST"])
@csrf.exempt  # checked by StatusForm, which answers in the page's language
@limiter.limit(lambda: current_app.config["STATUS_RATE_LIMIT"], methods=["POST"])
def status() -> ResponseReturnValue:
    """Look up an enquiry's status by its reference number and the e-mail address used."""
    form = StatusLookupForm()
    enquiry = None
    not_found = False
    code = 200
    if form.validate_on_submit():
        enquiry = _look_up(form.reference.data, form.email.data)
        # A wrong pair and a missing reference get the same answer.
        not_found = enquiry is None
    elif request.method == "POST":
        code = 400
    return render_template("enquiries/status.html", form=form, enquiry=enquiry, not_found=not_found), code


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(statuses=STATUSES, investor_types=INVESTOR_TYPES, ticket_sizes=TICKET_SIZES)
