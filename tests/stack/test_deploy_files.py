"""The files in deploy/ agree with the app: every setting, the same limits and headers, hardened units."""

from __future__ import annotations

import re

import pytest

from portal.core.security import HEADERS, HSTS
from tests.stack.deployfiles import DEPLOY, REPO, read_environment_file, read_unit

SERVICES = ["portal@.service", "portal-outbox.service", "portal-purge.service", "portal-alerts.service"]


def settings_the_app_reads() -> set[str]:
    source = (REPO / "portal" / "core" / "config.py").read_text()
    return set(re.findall(r'(?:os\.environ\.get|_bool|_list|_int)\("([A-Z_]+)"', source))


def test_the_example_settings_name_every_setting_and_only_those():
    example = read_environment_file(DEPLOY / "portal.env.example")
    assert set(example) == settings_the_app_reads()


@pytest.mark.parametrize("name", SERVICES)
def test_services_run_hardened_from_the_checkout_with_the_settings_file(name):
    unit = read_unit(name, {"/opt/portal": str(REPO), "%i": "8001"})
    service = {key.split(".", 1)[1]: values[-1] for key, values in unit.options.items() if key.startswith("Service.")}
    assert service["DynamicUser"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert unit.environment_files == ["/etc/portal/portal.env"]
    assert (REPO / ".venv" / "bin" / unit.exec_start[0].rsplit("/", 1)[1]).exists()


def test_the_purge_runs_daily():
    timer = (DEPLOY / "systemd" / "portal-purge.timer").read_text()
    assert "OnCalendar=*-*-* 03:00:00" in timer and "Persistent=true" in timer
    assert "Unit=portal-purge.service" in timer
    assert "enquiries purge" in (DEPLOY / "systemd" / "portal-purge.service").read_text()


def test_the_digests_of_followed_searches_go_hourly():
    timer = (DEPLOY / "systemd" / "portal-alerts.timer").read_text()
    assert "OnCalendar=hourly" in timer and "Persistent=true" in timer
    assert "Unit=portal-alerts.service" in timer
    assert "alerts send" in (DEPLOY / "systemd" / "portal-alerts.service").read_text()


def test_nginx_refuses_what_the_app_would_refuse():
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    limit = int(read_environment_file(DEPLOY / "portal.env.example")["MAX_CONTENT_LENGTH"])
    public = re.search(r"server_name portal\.example\.org;.*?client_max_body_size (\d+)k;", site, re.S)
    assert int(public.group(1)) * 1024 == limit


def test_nginx_adds_the_apps_security_headers_to_the_files_it_serves():
    snippet = (DEPLOY / "nginx" / "security-headers.conf").read_text()
    added = dict(re.findall(r'add_header ([\w-]+) "([^"]*)" always;', snippet))
    assert added == {**HEADERS, "Strict-Transport-Security": HSTS}
