"""The production stack, started from deploy/ on loopback: `make stack`.

PostgreSQL (a throwaway cluster), redis-server, two gunicorn instances and the
outbox worker (their systemd units' ExecStart lines and EnvironmentFile, with
this machine's paths), nginx (deploy/nginx/portal.conf with its ports and
paths substituted) and an SMTP server speaking STARTTLS, in process. Settings
are deploy/portal.env.example's, with only the addresses, ports and secrets
changed, and the outbox's retry and claim times shortened so that drills end in
seconds. Everything stops at the end of the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import itertools
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import (
    PostgresCluster,
    RedisServer,
    free_port,
    localized_message,
    self_signed_certificate,
    skip_or_fail,
)
from tests.enquiries.conftest import VALID, csrf_token
from tests.stack.deployfiles import (
    DEPLOY,
    REPO,
    Unit,
    nginx_site,
    read_environment_file,
    read_unit,
    write_environment_file,
)

HOST = "localhost"
#: what the drills shorten, so that a retry or a lapsed claim comes in seconds rather than minutes
DRILL_SETTINGS = {"OUTBOX_RETRY_SECONDS": "1", "OUTBOX_CLAIM_SECONDS": "5"}


class Mailbox:
    """The SMTP server's side: every message accepted, with its Message-ID; it can be made slow."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
        return "250 OK"

    def by_outbox_id(self) -> Counter:
        with self.lock:
            return Counter(int(m["X-Portal-Message"]) for m in self.received)

    def message_ids(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        with self.lock:
            for m in self.received:
                found.setdefault(int(m["X-Portal-Message"]), set()).add(m["Message-ID"])
        return found


class MailServer:
    """aiosmtpd offering STARTTLS with the stack's certificate, which can be taken down and brought back."""

    def __init__(self, port: int, cert: Path, key: Path):
        self.port = port
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, tls_context=self.context, require_starttls=True
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Cluster(PostgresCluster):
    def restart(self) -> None:
        data = str(self.root / "data")
        self._run(self.pg_ctl, "-D", data, "-w", "-l", str(self.root / "log"), "-m", "fast", "restart")


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def send(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20) -> None:
        self.send(signum)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.popen.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def spawn(name: str, command: list[str], log: Path, **options) -> Process:
    """Start ``command`` in a process group of its own (so that a signal reaches its children), logging to ``log``."""
    with log.open("ab") as out:
        popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **options)
    return Process(name, popen, log)


#: source addresses for clients: each enquiry comes from an address of its own, as investors do,
#: so that the shipped per-address rate limits stay in force through every drill
_addresses = (f"127.1.{n // 250}.{n % 250 + 1}" for n in itertools.count())
_address_lock = threading.Lock()


def fresh_address() -> str:
    with _address_lock:
        return next(_addresses)


@dataclass
class Stack:
    root: Path
    ports: dict[str, int]
    cert: Path
    key: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    cluster: Cluster | None = None
    mail: MailServer | None = None
    redis: RedisServer | None = None

    # --- addresses ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"https://{HOST}:{self.ports['https']}"

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def client(self, address: str | None = None, **options) -> httpx.Client:
        """A browser-like client of nginx over HTTPS, verifying the stack's certificate, from ``address``."""
        context = ssl.create_default_context(cafile=str(self.cert))
        transport = httpx.HTTPTransport(verify=context, local_address=address or fresh_address(), retries=0)
        return httpx.Client(base_url=self.base_url, transport=transport, timeout=40, **options)

    # --- processes ---------------------------------------------------------------------

    def substitutions(self, instance: str = "") -> dict[str, str]:
        return {
            "/opt/portal": str(REPO),
            "/etc/portal/portal.env": str(self.root / "portal.env"),
            "/run/portal-%i": str(self.root / f"run-{instance}"),
            "%i": instance,
        }

    def unit(self, name: str, instance: str = "") -> Unit:
        return read_unit(name, self.substitutions(instance))

    def run_unit(self, name: str, instance: str = "", key: str | None = None, **overrides: str) -> Process:
        """Start a unit's ExecStart as systemd would: its environment file, Environment= lines, directory."""
        unit = self.unit(name, instance)
        env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(self.root)}
        for path in unit.environment_files:
            env.update(read_environment_file(Path(path)))
        env.update(unit.environment)
        env.update(overrides)
        for value in unit.environment.values():
            if value.startswith(str(self.root)):
                os.makedirs(value, exist_ok=True)
        key = key or (f"{name}:{instance}" if instance else name)
        log = self.root / f"{key.replace('/', '_')}.log"
        self.processes[key] = spawn(key, unit.exec_start, log, cwd=unit.working_directory, env=env)
        return self.processes[key]

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """A maintenance command as the README has the operator run it: deploy/manage, with the settings file."""
        return subprocess.run(
            [str(DEPLOY / "manage"), *args],
            env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "PORTAL_ENV": str(self.root / "portal.env")},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def start_instance(self, port_name: str) -> Process:
        process = self.run_unit("portal@.service", str(self.ports[port_name]), key=port_name)
        wait_for(lambda: self.instance_answers(self.ports[port_name]), f"gunicorn on {port_name}", process)
        return process

    def instance_answers(self, port: int) -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST}, timeout=2)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def start_worker(self) -> Process:
        return self.run_unit("portal-outbox.service")

    # --- the database, read directly -----------------------------------------------------

    def sql(self, query: str, *params) -> list[tuple]:
        url = self.database_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            return connection.execute(query, params).fetchall()

    def scalar(self, query: str, *params):
        return self.sql(query, *params)[0][0]

    # --- what investors do -----------------------------------------------------------------

    def send_enquiry(self, marker: str, lang: str = "en") -> tuple[int, int, str]:
        """Open the form and send it, from an address of its own; (form status, send status, page)."""
        with self.client() as client:
            form, sent = fill_and_send(client, marker, lang)
            return (form.status_code, 0, form.text) if sent is None else (200, sent.status_code, sent.text)

    def stored(self, marker: str) -> int:
        return self.scalar("SELECT count(*) FROM enquiry WHERE message LIKE %s", f"%[{marker}]%")

    def messages_of(self, prefix: str) -> list[int]:
        """Outbox ids of the mail about enquiries whose marker starts with ``prefix``."""
        return [
            row[0]
            for row in self.sql(
                "SELECT m.message_id FROM enquiry_message m JOIN enquiry e ON e.id = m.enquiry_id "
                "WHERE e.message LIKE %s ORDER BY 1",
                f"%[{prefix}%",
            )
        ]

    def wait_delivered(self, ids: list[int], timeout: float = 90) -> float:
        """Wait until the outbox marks every message in ``ids`` sent; returns the seconds it took."""
        started = time.monotonic()
        wait_for(
            lambda: (
                self.scalar("SELECT count(*) FROM outbox_message WHERE id = ANY(%s) AND sent_at IS NOT NULL", ids)
                == len(ids)
            ),
            f"delivery of {len(ids)} messages",
            self.processes.get("portal-outbox.service"),
            timeout=timeout,
        )
        return time.monotonic() - started


def fill_and_send(client: httpx.Client, marker: str, lang: str = "en") -> tuple[httpx.Response, httpx.Response | None]:
    """The enquiry form as an investor fills it in, ``[marker]`` ending the message; no sending if it did not open."""
    form = client.get(f"/{lang}/enquire")
    if form.status_code != 200:
        return form, None
    message = f"{VALID['message']} [{marker}]"
    data = {**VALID, "csrf_token": csrf_token(form.text), "destination": "pk", "message": message}
    return form, client.post(f"/{lang}/enquire", data=data)


def status_lookups(
    client: httpx.Client, count: int, reference: str = "PK-2026-99999", email: str = "nobody@example.net"
):
    """``count`` status look-ups for ``reference`` by one visitor, with the form's token; the answers."""
    token = csrf_token(client.get("/en/enquiries/status").text)
    data = {"csrf_token": token, "reference": reference, "email": email}
    return [client.post("/en/enquiries/status", data=data) for _ in range(count)]


def wait_for(condition, what: str, process: Process | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.popen.poll() is not None:
            raise AssertionError(f"{what}: {process.name} exited ({process.popen.returncode}):\n{process.output()}")
        time.sleep(0.2)
    detail = process.output()[-3000:] if process is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def _program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
    if not found:
        skip_or_fail(f"{name} is not installed (Debian package {name})")
    return found


def _nginx_config(stack: Stack, nginx: str) -> Path:
    """The shipped site inside a main configuration of the test's own (pid, logs, temporary files)."""
    root, ports = stack.root, stack.ports
    site = nginx_site(
        {
            "return 301 https://$host$request_uri;": f"return 301 https://$host:{ports['https']}$request_uri;",
            "127.0.0.1:8001": f"127.0.0.1:{ports['app1']}",
            "127.0.0.1:8002": f"127.0.0.1:{ports['app2']}",
            "portal.example.org": HOST,
            "/etc/portal/tls/fullchain.pem": str(stack.cert),
            "/etc/portal/tls/privkey.pem": str(stack.key),
            "/var/log/nginx": str(root),
            "/opt/portal": str(REPO),
        }
    )
    # Loopback only, on free ports; no IPv6 listeners.
    site = re.sub(r"^ *listen \[::\]:\d+[^;]*;\n", "", site, flags=re.MULTILINE)
    site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{ports['http']}", site)
    site = re.sub(r"listen 443\b", f"listen 127.0.0.1:{ports['https']}", site)
    (root / "portal.conf").write_text(site)
    temp = root / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {root}/portal.conf;
}}
"""
    path = root / "nginx.conf"
    path.write_text(main)
    test = subprocess.run([nginx, "-t", "-p", str(root), "-c", str(path)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    return path


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    nginx = _program("nginx")
    root = Path(tmp_path_factory.mktemp("stack"))
    os.chmod(root, 0o755)
    ports = {name: free_port() for name in ("http", "https", "app1", "app2", "smtp", "restored")}
    cert, key = self_signed_certificate(root, HOST, "127.0.0.1")
    stack = Stack(root=root, ports=ports, cert=cert, key=key, redis=RedisServer(root))
    try:
        stack.cluster = Cluster()
    except FileNotFoundError as error:
        skip_or_fail(str(error))
    try:
        database_url = stack.cluster.start()
        settings = read_environment_file(DEPLOY / "portal.env.example")
        settings.update(
            SECRET_KEY=secrets.token_hex(32),
            PORTAL_URL=stack.base_url,
            TRUSTED_HOSTS=f"{HOST},127.0.0.1",
            DATABASE_URL=database_url,
            RATELIMIT_STORAGE_URI=stack.redis.url,
            CACHE_REDIS_URL=stack.redis.url.rsplit("/", 1)[0] + "/1",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(ports["smtp"]),
            MAIL_CA_FILE=str(cert),
            **DRILL_SETTINGS,
        )
        write_environment_file(root / "portal.env", settings)
        stack.env = settings
        stack.redis.start()
        stack.mail = MailServer(ports["smtp"], cert, key)
        stack.mail.start()
        for command in (("db", "upgrade"), ("error-pages",), ("seed", "--demo")):
            done = stack.manage(*command)
            assert done.returncode == 0, done.stdout + done.stderr
        stack.start_instance("app1")
        stack.start_instance("app2")
        stack.start_worker()
        config = _nginx_config(stack, nginx)
        command = [nginx, "-p", str(root), "-c", str(config), "-g", "daemon off;"]
        stack.processes["nginx"] = spawn("nginx", command, root / "nginx.log")

        def nginx_answers() -> bool:
            try:
                with stack.client("127.0.0.1") as client:
                    return client.get("/healthz").status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(nginx_answers, "nginx", stack.processes["nginx"])
        yield stack
    finally:
        for process in reversed(list(stack.processes.values())):
            process.stop(signal.SIGQUIT if process.name == "nginx" else signal.SIGTERM)
        if stack.mail is not None:
            stack.mail.stop()
        stack.redis.stop()
        stack.cluster.stop()


#: each drill's figures, in the order the drills ran
FIGURES: list[str] = []


def figures(title: str, **numbers) -> str:
    """One drill's figures, kept for the end of the run and returned for the assertion messages."""
    line = f"{title}: " + ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in numbers.items())
    FIGURES.append(line)
    return line


def pytest_terminal_summary(terminalreporter):
    """The figures after the tests, in `make stack`, `make test` and CI alike (pass or fail)."""
    if FIGURES:
        terminalreporter.section("production stack: smoke and drill figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


def statuses(answers) -> str:
    counted = Counter(answers)
    return " ".join(f"{status}×{count}" for status, count in sorted(counted.items()))


def is_unavailable_page(page: str, lang: str) -> bool:
    """The portal's "briefly unavailable" page (the app's 503, nginx's 502) in ``lang``: its language and heading."""
    heading = localized_message("The portal is briefly unavailable", lang)
    return f'<html lang="{lang}"' in page and heading in page
