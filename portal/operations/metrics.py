"""``/metrics`` for Prometheus: requests by endpoint and status, their latency, and the outbox read at scrape time.

Under gunicorn every worker counts its own requests; prometheus_client keeps those counts in files
in PROMETHEUS_MULTIPROC_DIR, and whichever worker is asked adds up all of them.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Iterable, Iterator
from datetime import datetime

from flask import Blueprint, Flask, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from portal.core.extensions import db, limiter, reset_session
from portal.core.security import ConfigurationError
from portal.core.time import utcnow
from portal.mail.models import OutboxMessage

bp = Blueprint("operations", __name__)
log = logging.getLogger(__name__)

#: seconds, from a page served at once to one close to gunicorn's timeout
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: any other method is counted as "other": made-up methods must not add series without end
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetrics:
    """One app's request counter and latency histogram, in a registry of the app's own.

    A registry per app rather than prometheus_client's global one: the tests build many
    apps in one process, and a metric registered twice in a registry is refused.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "portal_http_requests",
            "Requests answered, by endpoint, method and status",
            ("endpoint", "method", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "portal_http_request_duration_seconds",
            "Time taken to answer a request, by endpoint",
            ("endpoint",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(OutboxCollector())


def outbox_figures(now: datetime) -> tuple[int, int, float]:
    """Messages waiting (neither sent nor failed), messages failed for good, and how long the
    longest-waiting due message has been due, in seconds (0 when none is due).

    One statement over unsent messages only, which the outbox's index (sent_at first) finds.
    """
    waiting = OutboxMessage.failed_at.is_(None)
    due = and_(waiting, OutboxMessage.next_attempt_at <= now)
    queued, failed, oldest_due = db.session.execute(
        select(
            func.count(case((waiting, 1))),
            func.count(OutboxMessage.failed_at),
            func.min(case((due, OutboxMessage.next_attempt_at))),
        ).where(OutboxMessage.sent_at.is_(None))
    ).one()
    age = max((now - oldest_due).total_seconds(), 0.0) if oldest_due is not None else 0.0
    return queued, failed, age


class OutboxCollector(Collector):
    """Read at each scrape, in the scraping request: whether the database answers, and the outbox."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("portal_database_up", "1 when the database answered this scrape's query, else 0")
        try:
            queued, failed, age = outbox_figures(utcnow())
        except SQLAlchemyError as error:
            reset_session()
            log.warning("metrics: the database did not answer (%s)", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "portal_outbox_queued_messages", "Mail messages waiting to be sent (neither sent nor failed)", value=queued
        )
        yield GaugeMetricFamily(
            "portal_outbox_oldest_due_age_seconds",
            "Seconds since the longest-waiting message fell due for its next attempt (0: none is due)",
            value=age,
        )
        yield GaugeMetricFamily(
            "portal_outbox_failed_messages", "Mail messages given up after their last attempt", value=failed
        )


def multiprocess() -> bool:
    """Whether prometheus_client keeps values in PROMETHEUS_MULTIPROC_DIR's files (it decides when first imported)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


def registry() -> CollectorRegistry:
    """What a scrape reads: every worker's requests under gunicorn, this process's otherwise."""
    if not multiprocess():
        return current_app.extensions["portal.metrics"].registry
    combined = CollectorRegistry()
    MultiProcessCollector(combined)
    combined.register(OutboxCollector())
    return combined


def networks(entries: str | Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    if isinstance(entries, str):
        entries = entries.split(",")
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def allowed(address: str | None) -> bool:
    """Whether ``address`` (the client's, see PROXY_HOPS) is in METRICS_ALLOWED_IPS."""
    if not current_app.config["PROXY_HOPS"] and "X-Forwarded-For" in request.headers:
        # Relayed by a proxy the app was not told about: the address is the proxy's, perhaps 127.0.0.1.
        return False
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks(current_app.config["METRICS_ALLOWED_IPS"]))


@bp.get("/metrics")
@limiter.exempt
def metrics() -> Response:
    """Figures for Prometheus; to anyone outside METRICS_ALLOWED_IPS the page does not exist."""
    if not allowed(request.remote_addr):
        abort(404)
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = Response(encode(registry()), content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _record(status: int) -> None:
    g.metrics_recorded = True
    metrics = current_app.extensions["portal.metrics"]
    endpoint = request.endpoint or "unmatched"
    method = request.method if request.method in METHODS else "other"
    metrics.requests.labels(endpoint, method, str(status)).inc()
    metrics.latency.labels(endpoint).observe(time.perf_counter() - g.metrics_started)


def _count(response: Response) -> Response:
    if g.get("metrics_started") is not None:
        _record(response.status_code)
    return response


def _count_unanswered(error: BaseException | None) -> None:
    # An exception no handler answered (PROPAGATE_EXCEPTIONS, or one raised by an after-request
    # hook) skips the after-request hooks; the client gets a 500 from the server.
    if g.get("metrics_started") is not None and not g.get("metrics_recorded"):
        _record(500)


def init_app(app: Flask) -> None:
    try:
        networks(app.config["METRICS_ALLOWED_IPS"])
    except ValueError as error:
        raise ConfigurationError(f"METRICS_ALLOWED_IPS: {error}") from None
    app.extensions["portal.metrics"] = RequestMetrics()
    # First in: the time covers the other hooks too, and no hook that answers early goes uncounted.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_count)
    app.teardown_request(_count_unanswered)
    app.register_blueprint(bp)
