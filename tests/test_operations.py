"""What operators' machines read: /metrics for Prometheus, /healthz/live and /healthz/ready for the balancer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from prometheus_client import values
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from portal.core.extensions import db
from portal.core.security import ConfigurationError
from portal.core.time import utcnow
from portal.mail.models import OutboxMessage
from portal.operations import metrics
from tests.conftest import database, make_app, temporary_app

ROOT = Path(__file__).resolve().parent.parent
HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


class Scrape:
    """One answer of /metrics, parsed as Prometheus parses it."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        self.families = {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}
        self.samples = [sample for family in self.families.values() for sample in family.samples]

    def value(self, name: str, **labels: str) -> float | None:
        found = [s.value for s in self.samples if s.name == name and labels.items() <= s.labels.items()]
        return sum(found) if found else None

    def requests(self, endpoint: str, status: int, method: str = "GET") -> float | None:
        return self.value("portal_http_requests_total", endpoint=endpoint, method=method, status=str(status))


def scrape(client, **kwargs) -> Scrape:
    return Scrape(client.get("/metrics", **kwargs))


def unreachable_app(tmp_path, **config):
    return make_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3", **config)


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


# /metrics


def test_requests_are_counted_by_endpoint_and_status(client):
    for _ in range(2):
        assert client.get("/healthz/live").status_code == 200
    assert client.get("/en/no-such-page").status_code == 404
    assert client.get("/en/opportunities/no-such-listing").status_code == 404
    assert client.post("/healthz/live").status_code == 405

    response = client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    found = Scrape(response)
    assert found.families["portal_http_requests"].type == "counter"
    assert found.requests("site.live", 200) == 2
    assert found.requests("unmatched", 404) == 1
    assert found.requests("catalogue.opportunity", 404) == 1
    assert found.requests("unmatched", 405, method="POST") == 1
    latency = found.families["portal_http_request_duration_seconds"]
    assert latency.type == "histogram"
    assert found.value("portal_http_request_duration_seconds_count", endpoint="site.live") == 2
    buckets = {s.labels["le"] for s in latency.samples if s.name.endswith("_bucket")}
    assert {"0.005", "10.0", "+Inf"} <= buckets
    # The scrape itself is counted by the next one.
    assert scrape(client).requests("operations.metrics", 200) == 1


def test_a_made_up_method_does_not_make_a_series_of_its_own(client):
    client.open("/healthz/live", method="BREW")
    found = scrape(client)
    assert found.requests("unmatched", 405, method="other") == 1
    assert not [s for s in found.samples if s.labels.get("method") == "BREW"]


def test_an_answer_to_an_exception_is_counted_as_a_500(app):
    @app.get("/boom")
    def boom():
        raise LookupError("no")

    client = app.test_client()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page answers
    assert client.get("/boom").status_code == 500
    app.config["PROPAGATE_EXCEPTIONS"] = True  # the exception reaches the server, skipping after-request hooks
    with pytest.raises(LookupError):
        client.get("/boom")
    found = scrape(client)
    assert found.requests("boom", 500) == 2
    assert found.value("portal_http_request_duration_seconds_count", endpoint="boom") == 2


def message(**fields) -> OutboxMessage:
    return OutboxMessage(
        kind="test", recipient="a@example.org", subject="Hi", text_body="Hi", html_body="Hi", lang="en", **fields
    )


def test_outbox_gauges_show_what_waits_and_what_failed(app, client):
    found = scrape(client)
    assert found.value("portal_database_up") == 1
    assert found.value("portal_outbox_queued_messages") == 0
    assert found.value("portal_outbox_oldest_due_age_seconds") == 0
    assert found.value("portal_outbox_failed_messages") == 0

    now = utcnow()
    with database(app) as session:
        session.add_all(
            [
                message(next_attempt_at=now - timedelta(minutes=10), attempts=1),  # due ten minutes ago
                message(next_attempt_at=now - timedelta(minutes=2)),
                message(next_attempt_at=now + timedelta(hours=1), attempts=2),  # waits for its retry
                message(next_attempt_at=now - timedelta(days=1), sent_at=now - timedelta(days=1)),
                message(next_attempt_at=now - timedelta(days=2), attempts=8, failed_at=now - timedelta(days=2)),
                message(next_attempt_at=now - timedelta(days=3), attempts=8, failed_at=now - timedelta(days=3)),
            ]
        )
    found = scrape(client)
    assert found.value("portal_outbox_queued_messages") == 3
    assert found.value("portal_outbox_failed_messages") == 2
    assert 600 <= found.value("portal_outbox_oldest_due_age_seconds") < 700
    assert found.families["portal_outbox_queued_messages"].type == "gauge"


def test_a_scrape_answers_when_the_database_does_not(tmp_path):
    app = unreachable_app(tmp_path)
    client = app.test_client()
    client.get("/healthz/live")
    found = scrape(client)
    assert found.value("portal_database_up") == 0
    assert not {"portal_outbox_queued_messages", "portal_outbox_failed_messages"} & found.families.keys()
    assert found.requests("site.live", 200) == 1
    dispose(app)


def test_other_addresses_get_the_same_404_as_a_page_that_does_not_exist(client):
    hidden = client.get("/metrics", environ_base=OUTSIDER)
    missing = client.get("/metricz", environ_base=OUTSIDER)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    assert "portal_" not in hidden.get_data(as_text=True)
    # Relayed by a proxy the app does not know of (PROXY_HOPS 0): 127.0.0.1 is the proxy's address, not the client's.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::ffff:127.0.0.1"}).status_code == 200


def test_allowed_networks_are_read_as_cidr(database_url):
    with temporary_app(database_url, METRICS_ALLOWED_IPS=["203.0.113.0/24", "2001:db8::/32"]) as app:
        client = app.test_client()
        assert client.get("/metrics", environ_base=OUTSIDER).status_code == 200
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "2001:db8::5"}).status_code == 200
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 404
        assert client.get("/metrics").status_code == 404  # 127.0.0.1 is no longer in the list


def test_behind_a_proxy_the_clients_address_counts(database_url):
    with temporary_app(database_url, PROXY_HOPS=1) as app:
        client = app.test_client()
        # nginx on the same machine forwards a request from outside: not allowed, though nginx is 127.0.0.1.
        assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
        assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_an_allowed_address_that_is_not_one_stops_the_app(tmp_path):
    with pytest.raises(ConfigurationError, match="METRICS_ALLOWED_IPS"):
        make_app(f"sqlite:///{tmp_path}/db.sqlite3", METRICS_ALLOWED_IPS=["10.0.0.0/8", "intranet"])


#: another gunicorn worker: a process of its own, with the same PROMETHEUS_MULTIPROC_DIR
OTHER_WORKER = textwrap.dedent(
    """
    from portal import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SERVER_NAME": "portal.test", "PORTAL_URL": "http://portal.test"})
    client = app.test_client()
    for _ in range(2):
        assert client.get("/healthz/live").status_code == 200
    """
)


@pytest.fixture
def multiprocess_dir(tmp_path, monkeypatch):
    """PROMETHEUS_MULTIPROC_DIR set, as deploy/gunicorn.conf.py sets it before workers start."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    # prometheus_client reads the variable when first imported, long before this test: do what it would have done.
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue())
    yield folder
    values.close_all_multiprocess_files()


def test_with_several_workers_their_requests_are_added_up(app, multiprocess_dir, monkeypatch):
    assert metrics.multiprocess()
    subprocess.run([sys.executable, "-c", OTHER_WORKER], cwd=ROOT, check=True, timeout=60)
    assert list(multiprocess_dir.glob("*.db")), "the other worker wrote its counts to the folder"

    collectors = []
    real = metrics.MultiProcessCollector

    def spy(registry):
        collectors.append(real(registry))
        return collectors[-1]

    monkeypatch.setattr(metrics, "MultiProcessCollector", spy)
    client = app.test_client()
    assert client.get("/healthz/live").status_code == 200
    found = scrape(client)
    assert len(collectors) == 1
    assert found.requests("site.live", 200) == 3  # two in the other worker, one here
    assert found.value("portal_http_request_duration_seconds_count", endpoint="site.live") == 3
    assert found.value("portal_database_up") == 1
    assert found.value("portal_outbox_queued_messages") == 0


# /healthz/live and /healthz/ready


def test_ready_and_live_answer_when_all_is_well(client, count_queries):
    with count_queries() as queries:
        live = client.get("/healthz/live")
    assert (live.status_code, live.get_json()) == (200, {"status": "ok"})
    assert len(queries) == 0
    ready = client.get("/healthz/ready")
    assert ready.status_code == 200
    current = {"database": True, "migrations": "current", "revision": HEAD, "head": HEAD}
    assert ready.get_json() == {"status": "ok", **current}


@pytest.fixture
def database_at(app):
    """Sets the database's recorded revision for the test, and puts the real one back afterwards."""

    def set_revision(revision: str) -> None:
        with database(app) as session:
            session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})

    yield set_revision
    set_revision(HEAD)


def test_a_database_behind_the_migrations_is_not_ready(client, database_at):
    older = ScriptDirectory(str(ROOT / "migrations")).get_revision(HEAD).down_revision
    database_at(older)
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.get_json() == {
        "status": "unavailable",
        "database": True,
        "migrations": "behind",
        "revision": older,
        "head": HEAD,
    }
    assert client.get("/healthz/live").status_code == 200
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()) == (
        503,
        {"status": "unavailable", "database": True, "migrations": False},
    )


def test_a_database_migrated_by_newer_code_is_not_ready(client, database_at):
    database_at("f00dfeed")
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.get_json()["migrations"] == "unknown"
    assert ready.get_json()["revision"] == "f00dfeed"


def test_a_database_never_migrated_is_not_ready(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/empty.sqlite3")
    ready = app.test_client().get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.get_json() == {
        "status": "unavailable",
        "database": True,
        "migrations": "behind",
        "revision": None,
        "head": HEAD,
    }
    dispose(app)


def test_an_unreachable_database_is_not_ready_but_the_process_is_live(tmp_path):
    app = unreachable_app(tmp_path)
    client = app.test_client()
    live = client.get("/healthz/live")
    assert (live.status_code, live.get_json()) == (200, {"status": "ok"})
    ready = client.get("/healthz/ready")
    assert (ready.status_code, ready.get_json()) == (503, {"status": "unavailable", "database": False})
    dispose(app)
