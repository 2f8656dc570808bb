"""Following a search: ``/<lang>/alerts/new?<the list's filters>``, then confirming and unsubscribing by mail.

Confirming and unsubscribing take a POST: mail scanners follow the links in a message (a GET)
without anyone reading it, and must neither confirm nor cancel anything. The unsubscribe address
also takes the one-click POST of RFC 8058 that mail programs send (``List-Unsubscribe-Post``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.alerts import digest
from portal.alerts.forms import AlertForm
from portal.alerts.models import FREQUENCIES, Alert
from portal.catalogue import search
from portal.core.extensions import csrf, db, limiter
from portal.core.forms import LocalizedForm
from portal.core.i18n import language_blueprint, portal_url
from portal.core.time import utcnow
from portal.mail.outbox import queue

bp = language_blueprint("alerts", __name__, template_folder="templates")


def _new_alert_limit() -> str:
    return current_app.config["ALERT_RATE_LIMIT"]


@bp.route("/alerts/new", methods=["GET", "POST"])
@limiter.limit(_new_alert_limit, methods=["POST"])
def new() -> ResponseReturnValue:
    """Follow the search in the address: an e-mail address, how often, and consent."""
    filters = digest.filters_of(request.args)
    form = AlertForm()
    status = 200
    if form.validate_on_submit():
        alert = Alert(
            email=form.email.data.lower(),
            lang=g.lang,
            frequency=form.frequency.data,
            filters=digest.stored(filters),
        )
        db.session.add(alert)
        db.session.flush()
        _queue_confirmation(alert, filters)
        db.session.commit()
        return redirect(url_for(".sent"), code=303)
    if request.method == "POST":
        status = 400
    return render_template("alerts/new.html", form=form, filters=filters, described=digest.described(filters)), status


def _queue_confirmation(alert: Alert, filters: search.Filters) -> None:
    with force_locale(alert.lang):
        subject = _("Please confirm: new investment opportunities by e-mail")
    queue(
        kind="alert-confirm",
        recipient=alert.email,
        subject=subject,
        template="alerts/mail/confirm",
        lang=alert.lang,
        alert=alert,
        described=digest.described(filters, alert.lang),
        confirm_url=portal_url("alerts.confirm", lang=alert.lang, token=alert.token),
        days=current_app.config["ALERT_CONFIRM_DAYS"],
    )


@bp.get("/alerts/sent")
def sent() -> ResponseReturnValue:
    return render_template("alerts/sent.html", days=current_app.config["ALERT_CONFIRM_DAYS"])


def _alert(token: str) -> Alert | None:
    """The subscription a link names, unless it has gone (or waited too long for its confirmation)."""
    if len(token) > 64:
        return None
    alert = db.session.scalar(select(Alert).where(Alert.token == token))
    if alert is None:
        return None
    waited = utcnow() - alert.created_at
    if alert.confirmed_at is None and waited > timedelta(days=current_app.config["ALERT_CONFIRM_DAYS"]):
        return None
    return alert


def _gone() -> ResponseReturnValue:
    return render_template("alerts/gone.html"), 404


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """Confirm a subscription: the page asks, its button confirms."""
    alert = _alert(token)
    if alert is None:
        return _gone()
    form = LocalizedForm()
    if form.validate_on_submit():
        if alert.confirmed_at is None:
            alert.confirmed_at = alert.last_sent_at = utcnow()  # the first digest lists what comes after this
            db.session.commit()
        return redirect(url_for(".confirm", token=token), code=303)
    return _page("alerts/confirm.html", alert, form=form)


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the token is the secret; mail programs post here with nothing else (RFC 8058)
def unsubscribe(token: str) -> ResponseReturnValue:
    """Stop following a search: the page asks, its button (or the mail program's one click) unsubscribes."""
    alert = _alert(token)
    if request.method == "POST":
        if alert is not None:
            digest.forget(alert)
            db.session.commit()
        return render_template("alerts/unsubscribed.html")
    if alert is None:
        return _gone()
    return _page("alerts/unsubscribe.html", alert)


def _page(template: str, alert: Alert, **context: Any) -> ResponseReturnValue:
    filters = digest.filters_of(alert.filters)
    return render_template(template, alert=alert, described=digest.described(filters), filters=filters, **context)


@bp.record_once
def register_template_helpers(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.update(alert_frequencies=FREQUENCIES)
