"""The portal on the open internet: its secret key, the hosts it answers to, the headers on every answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app
from portal.core.config import from_environment
from portal.core.security import ConfigurationError, flask_command
from tests.conftest import database, free_port
from tests.factories import make_opportunity, make_sector
from tests.staff.accounts import csrf_from

ROOT = Path(__file__).parents[1]
STRONG_KEY = "k" * 32


def production_app(tmp_path, **config):
    """An app as production makes it: not testing, not debugging."""
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/db.sqlite3", **config}
    return create_app(settings)


@pytest.mark.parametrize(
    "key, why",
    [
        (None, "not set"),
        ("", "not set"),
        ("dev-only-change-me", "the public default"),
        ("x" * 31, "shorter than 32 bytes"),
    ],
)
def test_the_app_refuses_to_start_with_a_missing_default_or_short_secret_key(tmp_path, key, why):
    with pytest.raises(ConfigurationError, match=f"SECRET_KEY is {why}"):
        production_app(tmp_path, SECRET_KEY=key)


def test_the_app_starts_with_a_strong_key_and_in_debug_or_testing_with_any(tmp_path):
    assert production_app(tmp_path, SECRET_KEY=STRONG_KEY).config["SECRET_KEY"] == STRONG_KEY
    assert production_app(tmp_path, SECRET_KEY=None, TESTING=True)
    assert production_app(tmp_path, SECRET_KEY=None, DEBUG=True)


def _flask(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG", "PORTAL_URL")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_flask_run_names_secret_key_when_it_refuses_to_serve(tmp_path):
    result = _flask(["run", "--port", str(free_port())], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_maintenance_commands_need_no_key(tmp_path):
    """`db upgrade` or `users create` sign nothing; only serving needs the key."""
    result = _flask(["db", "upgrade"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "argv, command",
    [
        (["/venv/bin/flask", "--app", "portal", "run", "--port", "5000"], "run"),
        (["/venv/bin/flask", "-A", "portal", "--debug", "db", "upgrade"], "db"),
        (["/usr/lib/python3/site-packages/flask/__main__.py", "--app", "portal", "check"], "check"),
        (["/venv/bin/gunicorn", "portal:create_app()"], None),
        (["/venv/bin/flask"], None),
    ],
)
def test_which_flask_command_is_running(argv, command):
    assert flask_command(argv) == command


def test_make_run_writes_a_random_key_to_the_instance_folder_once(tmp_path, monkeypatch):
    """`make run` needs no set-up: the Makefile's rule writes the key, the app reads it from instance/."""
    key_file = tmp_path / "instance" / "secret_key"
    make = ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), f"BIN={Path(sys.executable).parent}"]
    keys = []
    for _ in range(2):
        subprocess.run([*make, "instance/secret_key"], cwd=tmp_path, check=True, capture_output=True)
        keys.append(key_file.read_text().strip())
    assert keys[0] == keys[1] and len(keys[0]) >= 64
    assert key_file.stat().st_mode & 0o077 == 0, "only its owner may read the key"
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert from_environment(str(key_file.parent))["SECRET_KEY"] == keys[0]


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip().partition(" ")[2] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "'self'"
    assert directives.get("frame-ancestors") == "'none'"
    assert directives.get("base-uri") == "'none'"
    assert directives.get("form-action") == "'self'"
    assert directives.get("object-src") == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers.get("Permissions-Policy", "")


def test_every_kind_of_answer_carries_the_security_headers(app, staff, signed_in):
    with database(app):
        make_opportunity(sector=make_sector("textiles"), slug="denim-mill")
    client = app.test_client()
    public = [
        client.get("/en/"),
        client.get("/en/opportunities/denim-mill"),
        client.get("/en/no-such-page"),
        client.get("/healthz"),
        client.get("/static/portal.css"),
        client.post("/en/enquire", data={}),
        client.get("/"),
    ]
    assert [r.status_code for r in public] == [200, 200, 404, 200, 200, 400, 302]
    for response in public:
        assert_security_headers(response)
        assert response.headers.get("Cache-Control") != "no-store" or response.status_code == 400
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS means nothing here
        response.close()
    officer = signed_in("officer_boi")
    for url in ("/admin/", "/admin/enquiries", "/admin/enquiries/export.csv", "/admin/enquiries/999999"):
        response = officer.get(url)
        assert response.status_code in (200, 404)
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store", url


def test_hsts_is_sent_when_the_request_came_over_https(app):
    response = app.test_client().get("/healthz", base_url="https://portal.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert_security_headers(response)


def test_a_request_for_another_host_is_refused(app):
    response = app.test_client().get("/en/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.get_data(as_text=True)
    assert_security_headers(response)


def test_absolute_links_come_from_portal_url_not_the_request(database_url):
    from tests.conftest import temporary_app

    with temporary_app(
        database_url, SERVER_NAME=None, PORTAL_URL="https://invest.example.org", TRUSTED_HOSTS=None
    ) as app:
        assert app.config["TRUSTED_HOSTS"] == ["invest.example.org"]
        client = app.test_client()
        page = client.get("/en/", base_url="http://invest.example.org").get_data(as_text=True)
        assert 'hreflang="ru" href="https://invest.example.org/ru/"' in page
        assert client.get("/en/", base_url="http://evil.example").status_code == 400


def test_each_request_is_logged_on_one_line_with_its_id_and_nothing_personal(app, staff, caplog):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    caplog.clear()
    with caplog.at_level("INFO", logger="portal.requests"):
        response = client.post(
            "/admin/login",
            data={
                "email": "officer_boi@example.org",
                "password": "correct horse battery",
                "csrf_token": csrf_from(page),
            },
        )
    request_id = response.headers["X-Request-ID"]
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.requests"]
    assert lines == [
        f"request_id={request_id} method=POST endpoint=staff.login status=303 " + lines[0].rsplit(" ", 1)[1]
    ]
    assert re.fullmatch(r"duration_ms=\d+\.\d", lines[0].rsplit(" ", 1)[1])
    assert "officer_boi" not in caplog.text and "correct horse" not in caplog.text
    # An id given by the proxy in front is kept, so that its log and ours can be joined; a bad one is not.
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-0123456789abcdef"}).headers["X-Request-ID"] == (
        "nginx-0123456789abcdef"
    )
    assert client.get("/healthz", headers={"X-Request-ID": "bad id; drop"}).headers["X-Request-ID"] != "bad id; drop"
