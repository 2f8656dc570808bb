"""Fixtures: the app on SQLite and on a throwaway PostgreSQL cluster, and data factories.

Every test that uses ``app`` runs once per database. The PostgreSQL cluster is
started by the tests themselves; without PostgreSQL's programs those runs skip,
and under CI (``CI=true``) such a skip is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import StrictUndefined
from sqlalchemy import event

from portal import create_app
from portal.catalogue import index, synonyms
from portal.catalogue.models import Synonym
from portal.core.extensions import db
from portal.core.freshness import ContentVersion
from portal.core.time import utcnow

ON_CI = os.environ.get("CI", "").lower() == "true"

#: fixtures every feature's tests use: staff accounts of each role, signed in
pytest_plugins = ["tests.staff.accounts"]


def skip_or_fail(reason: str):
    """Skip a test whose component is missing; under CI that is a failure."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


def localized_message(message: str, lang: str) -> str:
    """``message`` as the compiled catalogues translate it into ``lang``."""
    from babel.support import Translations

    return Translations.load(str(Path(__file__).resolve().parents[1] / "translations"), [lang]).gettext(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(folder: Path, *names: str) -> tuple[Path, Path]:
    """A certificate and its key for ``names`` (host names or IP addresses), made now with openssl."""
    if not shutil.which("openssl"):
        skip_or_fail("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    alternatives = ",".join(("IP:" if name[0].isdigit() else "DNS:") + name for name in names)
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={names[0]}"),
            *("-addext", f"subjectAltName={alternatives}", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class RedisServer:
    """redis-server on a free loopback port, keeping nothing on disk; it can be stopped and started again."""

    def __init__(self, folder: Path | None = None):
        program = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
        if not program:
            skip_or_fail("redis-server is not installed (Debian package redis-server)")
        self.port = free_port()
        folder = folder or Path(tempfile.gettempdir())
        self.command = [program, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.command += ["--dir", str(folder)]
        self.log = folder / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, db: int = 0):
        import redis

        return redis.Redis(port=self.port, db=db, socket_timeout=2)

    def answers(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"redis-server did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, stopped at its end (or earlier, by the test)."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _pg_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, run as an unprivileged user."""

    def __init__(self, fsync: bool = False):
        #: off for tests (speed); on for the benchmark, whose commits should cost what they do in production
        self.fsync = fsync
        self.initdb = _pg_program("initdb")
        self.pg_ctl = _pg_program("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise FileNotFoundError("PostgreSQL server programs (initdb, pg_ctl) are not installed")
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="pgt"))
        self.port = free_port()

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_"))}
        subprocess.run(
            command, check=True, cwd=self.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60
        )

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.root, "postgres")
        data = str(self.root / "data")
        self._run(
            self.initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"
        )
        self._run(
            self.pg_ctl,
            "-D",
            data,
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            f"-k {self.root} -p {self.port} -h 127.0.0.1" + ("" if self.fsync else " -F"),
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.root / "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url():
    try:
        cluster = PostgresCluster()
    except FileNotFoundError as error:
        skip_or_fail(str(error))
    try:
        url = cluster.start()
    except (subprocess.CalledProcessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        cluster.stop()
        skip_or_fail(f"could not start PostgreSQL: {error} {detail.decode(errors='replace')}")
    yield url
    cluster.stop()


class Client(FlaskClient):
    """A test client whose every request pushes its own app context, as in production.

    A request made inside ``with database(app)`` would share the test's
    context (its ``g``, its session) instead; that is refused.
    """

    def open(self, *args, **kwargs):
        assert not has_app_context(), "make requests outside `with database(app)` blocks"
        return super().open(*args, **kwargs)


def make_app(url: str, **config):
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test",
        "SERVER_NAME": "portal.test",
        "PORTAL_URL": "http://portal.test",
        # Most tests sign in with a password alone; tests/staff/test_two_factor.py keeps the default, "required".
        "STAFF_TWO_FACTOR": "optional",
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "locmem",
        # Hashing with scrypt costs tens of milliseconds a password; tests sign in a lot.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = Client
    # A template that names a variable nobody passed fails the test instead of showing nothing.
    app.jinja_env.undefined = StrictUndefined
    return app


def migrate_to_head(url: str) -> None:
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each kind, shared by the tests of a session."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.sqlite3")
    else:
        url = request.getfixturevalue("postgres_url")
    migrate_to_head(url)
    return url


@pytest.fixture
def app_config() -> dict:
    """Settings a test module wants on top of the test defaults; override to change."""
    return {}


def empty_database(app) -> None:
    """Every table emptied, and left as the migrations leave a new database: the content version
    row, the default synonyms, an empty search index."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            connection.execute(index.search_table(connection).delete())
            connection.execute(ContentVersion.__table__.insert().values(id=1, version=1))
            connection.execute(
                Synonym.__table__.insert(),
                [{"phrases": phrases, "updated_at": utcnow()} for phrases in synonyms.DEFAULTS],
            )
        db.engine.dispose()


@contextlib.contextmanager
def temporary_app(url: str, **config):
    """An app on a migrated database, emptied again afterwards.

    No app context is pushed (as in flaskr's tests): each request and each CLI
    command pushes its own, as in production, and the test reaches the
    database in blocks of ``with database(app)``.
    """
    app = make_app(url, **config)
    try:
        yield app
    finally:
        empty_database(app)


@contextlib.contextmanager
def database(app):
    """The database as a test reads and writes it between requests: in an app context of the test's own.

    The block's work is committed when it ends; objects read in it stay readable
    afterwards (detached, not expired), so ``item.id`` can be used in the next request.
    """
    with app.app_context():
        db.session().expire_on_commit = False
        yield db.session
        db.session.commit()


def reload(app, obj):
    """``obj`` as the database holds it now, with its columns loaded."""
    with database(app):
        return db.session.get(type(obj), obj.id)


@pytest.fixture
def app(database_url, app_config):
    with temporary_app(database_url, **app_config) as app:
        yield app


@pytest.fixture(scope="session")
def postgres_database(postgres_url):
    """The PostgreSQL database, migrated, for tests that only make sense there (concurrency)."""
    migrate_to_head(postgres_url)
    return postgres_url


@pytest.fixture
def pg_app(postgres_database, app_config):
    with temporary_app(postgres_database, **app_config) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app):
    """Counts the SQL statements sent while the ``with`` block runs."""
    with app.app_context():
        engine = db.engine

    class Counter:
        def __init__(self):
            self.statements: list[str] = []

        def __enter__(self):
            event.listen(engine, "before_cursor_execute", self._record)
            return self

        def __exit__(self, *exc):
            event.remove(engine, "before_cursor_execute", self._record)

        def _record(self, conn, cursor, statement, *args):
            self.statements.append(statement)

        def __len__(self):
            return len(self.statements)

    return Counter
