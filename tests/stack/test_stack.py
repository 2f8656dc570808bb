"""Smoke tests of the production stack started from deploy/ (see conftest.py)."""

from __future__ import annotations

import re
import uuid

import httpx

from portal.core.security import HEADERS, HSTS
from tests.conftest import localized_message
from tests.enquiries.conftest import VALID
from tests.stack.conftest import HOST, figures, fill_and_send, fresh_address, status_lookups, wait_for
from tests.stack.deployfiles import REPO


def test_every_language_is_served_over_https_through_nginx(stack):
    with stack.client() as client:
        for lang in ("en", "ur", "ru", "ky"):
            response = client.get(f"/{lang}/opportunities")
            assert response.status_code == 200, response.text[:500]
            assert f'<html lang="{lang}" dir="{"rtl" if lang == "ur" else "ltr"}"' in response.text
            assert localized_message("Opportunities", lang) in response.text
            # Links the page builds for other languages use the public address, not the instance's.
            assert f'hreflang="ru" href="{stack.base_url}/ru/opportunities"' in response.text


def test_public_pages_are_kept_in_redis_for_both_instances(stack):
    path = f"/en/opportunities?q=textile&probe={uuid.uuid4().hex}"
    with stack.client() as client:
        answers = [client.get(path) for _ in range(4)]  # nginx takes turns between the two instances
        assert [a.headers["X-Page-Cache"] for a in answers] == ["miss", "hit", "hit", "hit"]
        assert len({a.headers["ETag"] for a in answers}) == 1
        assert client.get(path, headers={"If-None-Match": answers[0].headers["ETag"]}).status_code == 304
    assert any(key.startswith(b"portal:page:") for key in stack.redis.client(db=1).keys("*"))


def test_plain_http_is_redirected_to_https(stack):
    response = httpx.get(f"http://{HOST}:{stack.ports['http']}/en/zones?country=KG")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{stack.base_url}/en/zones?country=KG"


def test_static_files_are_served_by_nginx_with_long_lifetimes_for_fingerprinted_names(stack):
    with stack.client() as client:
        page = client.get("/en/about").text
        css = re.search(r'href="(/static/portal\.[0-9a-f]{12}\.css)"', page).group(1)
        fingerprinted = client.get(css, headers={"Accept-Encoding": "gzip"})
        plain = client.get("/static/portal.css")
    assert fingerprinted.status_code == 200
    assert fingerprinted.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert fingerprinted.headers["Content-Encoding"] == "gzip"
    assert fingerprinted.text == (REPO / "portal" / "static" / "portal.css").read_text()
    assert plain.headers["Cache-Control"] == "no-cache"
    # nginx answered, not the app: the app tags each of its answers with a request id and logs it.
    assert "X-Request-ID" not in fingerprinted.headers
    for instance in ("app1", "app2"):
        assert "endpoint=static" not in stack.processes[instance].output()


def test_pages_and_static_files_carry_the_same_security_headers(stack):
    with stack.client() as client:
        page = client.get("/en/zones")
        static = client.get("/static/favicon.svg")
    assert page.headers["X-Request-ID"]  # from the app
    for response in (page, static):
        for name, value in HEADERS.items():
            assert response.headers.get_list(name) == [value], name
        assert response.headers.get_list("Strict-Transport-Security") == [HSTS]
    assert "nginx/" not in page.headers.get("Server", "")


def test_pages_are_compressed_except_staff_pages(stack):
    with stack.client() as client:
        public = client.get("/en/opportunities", headers={"Accept-Encoding": "gzip"})
        staff = client.get("/admin/login", headers={"Accept-Encoding": "gzip"})
    assert public.headers["Content-Encoding"] == "gzip"
    assert staff.status_code == 200
    assert "Content-Encoding" not in staff.headers


def test_bodies_over_max_content_length_are_refused_by_nginx(stack):
    limit = int(stack.env["MAX_CONTENT_LENGTH"])
    with stack.client() as client:
        in_russian = client.post("/ru/enquire", content=b"x" * (limit + 1), headers={"Content-Type": "text/plain"})
        too_big = client.post("/en/enquire", content=b"m=" + b"x" * limit, headers={"Content-Type": "text/plain"})
        fits = client.post("/en/enquire", data={"message": "x" * (limit - 1000)})
    assert too_big.status_code == 413
    assert 'lang="en"' in too_big.text and localized_message("What you sent is too large", "en") in too_big.text
    assert in_russian.status_code == 413
    assert '<html lang="ru"' in in_russian.text
    assert localized_message("What you sent is too large", "ru") in in_russian.text
    assert fits.status_code == 400  # reached the app, which shows the form again with its errors
    assert 'lang="en"' in fits.text


def test_an_enquiry_travels_end_to_end(stack):
    marker = f"smoke-{uuid.uuid4().hex[:8]}"
    with stack.client() as client:
        _, sent = fill_and_send(client, marker)
        assert sent.status_code == 303
        assert sent.headers["Location"] == "/en/enquire/sent"
        thanks = client.get(sent.headers["Location"])
        reference = re.search(r"PK-\d{4}-\d{5}", thanks.text).group(0)
        ids = stack.messages_of(marker)
        assert len(ids) == 2
        stack.wait_delivered(ids)
        mails = [m for m in stack.mail.mailbox.received if int(m["X-Portal-Message"]) in ids]
        assert VALID["email"] in [m["To"] for m in mails]
        acknowledgement = next(m for m in mails if m["To"] == VALID["email"])
        assert reference in acknowledgement["Subject"] + acknowledgement.get_body(("plain",)).get_content()
        assert f"{stack.base_url}/en/enquiries/status" in acknowledgement.get_body(("plain",)).get_content()
        (found,) = status_lookups(client, 1, reference, VALID["email"])
    assert found.status_code == 200
    assert reference in found.text
    figures("smoke: enquiry end to end", reference=reference, mails=len(mails))


def test_a_rate_limit_holds_across_both_instances_counted_once_in_redis(stack):
    limit = int(stack.env["STATUS_RATE_LIMIT"].split()[0])  # "10 per minute; ..."
    address = fresh_address()
    with stack.client(address) as client:
        answers = [r.status_code for r in status_lookups(client, limit + 4)]
    with stack.client() as other:
        (other_answer,) = [r.status_code for r in status_lookups(other, 1)]
    served_by = [stack.processes[name].output().count("endpoint=enquiries.status status=") for name in ("app1", "app2")]
    keys = [key.decode() for key in stack.redis.client().keys("*") if address in key.decode()]
    figures("smoke: rate limit", answers=" ".join(map(str, answers)), served_by_instance=served_by, redis_keys=keys)
    assert answers == [200] * limit + [429] * 4
    assert all(served_by), "both instances answered status look-ups"
    assert keys, "the counter lives in Redis"
    assert other_answer == 200, "another address has a limit of its own (X-Forwarded-For is honoured)"


def test_check_passes_on_the_shipped_settings(stack):
    done = stack.manage("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "OK: no problems found."


def test_the_retention_purge_unit_runs(stack):
    process = stack.run_unit("portal-purge.service")
    assert process.popen.wait(120) == 0, process.output()
    wait_for(lambda: process.output().strip() != "", "purge output", timeout=5)


def test_the_digest_unit_runs(stack):
    process = stack.run_unit("portal-alerts.service")
    assert process.popen.wait(120) == 0, process.output()
    wait_for(lambda: "digests queued" in process.output(), "digest output", timeout=5)


def test_other_host_names_are_turned_away_by_nginx(stack):
    with stack.client() as client:
        try:
            answer = client.get("/en/zones", headers={"Host": "evil.example"}).status_code
        except httpx.RemoteProtocolError:  # nginx's 444: the connection closed without an answer
            answer = None
    assert answer is None


def live_checks_counted(scraped: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    families = {family.name: family for family in text_string_to_metric_families(scraped)}
    return sum(
        s.value
        for s in families["portal_http_requests"].samples
        if s.name.endswith("_total") and s.labels.get("endpoint") == "site.live"
    )


def test_metrics_are_scraped_from_each_instance_not_through_nginx(stack):
    from prometheus_client.parser import text_string_to_metric_families

    with stack.client() as client:
        assert client.get("/metrics").status_code == 404
    instance = f"http://127.0.0.1:{stack.ports['app1']}"
    before = live_checks_counted(httpx.get(f"{instance}/metrics", timeout=10).text)
    for _ in range(20):
        assert httpx.get(f"{instance}/healthz/live", timeout=10).status_code == 200
    scraped = httpx.get(f"{instance}/metrics", timeout=10)
    assert scraped.status_code == 200
    # Whichever of the instance's workers answered each, the scrape adds up all of them.
    assert live_checks_counted(scraped.text) - before == 20
    families = {family.name: family for family in text_string_to_metric_families(scraped.text)}
    assert "portal_http_request_duration_seconds" in families
    assert "portal_outbox_queued_messages" in families
    assert families["portal_database_up"].samples[0].value == 1


def test_health_says_live_and_ready(stack):
    for path in ("/healthz/live", "/healthz/ready"):
        answer = httpx.get(f"http://127.0.0.1:{stack.ports['app2']}{path}", timeout=10)
        assert answer.status_code == 200, (path, answer.text)
