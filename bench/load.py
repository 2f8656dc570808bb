"""`make bench`: the public pages under load, at 1,000, 10,000 and 100,000 listings, on SQLite and PostgreSQL.

For each database and catalogue size it builds a fresh catalogue (the demo
catalogue and `seed --synthetic` listings), starts gunicorn with two workers on
loopback, and drives it with wrk (Debian's package) from another process, each
page for a fixed time, with many different URLs:

- home, in the four languages;
- the list with random combinations of filters, sorts and pages;
- search with one or two random words of the catalogue, in each language;
- a listing's page, a zone's page;
- on PostgreSQL, the enquiry form's POST (every one must be stored).

`/healthz`, the cheapest route that asks the database, is measured in the same
run as the floor; each page's throughput is printed as a share of it, with its
50th, 95th and 99th percentile latencies, cold (page cache off) and warm (every
URL asked once before the measurement). Results go to bench/RESULTS.md.

Usage: .venv/bin/python bench/load.py [--sizes 1000,10000,100000] [--databases sqlite,postgresql]
       [--duration 6] [--connections 8]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from portal.catalogue import words  # noqa: E402
from tests.conftest import PostgresCluster, RedisServer, free_port  # noqa: E402

BIN = Path(sys.executable).parent
LANGUAGES = ["en", "ru", "ky", "ur"]
URLS_PER_PAGE = 100

LUA = """
local paths = {%(paths)s}
local method, body, headers = "%(method)s", %(body)s, {%(headers)s}
math.randomseed(%(seed)d)
request = function()
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%f, "errors": %%d, "status_errors": %%d, '
    .. '"p50": %%d, "p95": %%d, "p99": %%d}\\n', summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Result:
    database: str
    size: int
    page: str
    mode: str
    rate: float
    p50: float
    p95: float
    p99: float
    errors: int
    floor: float = 0.0

    @classmethod
    def of(cls, database: str, size: int, page: str, mode: str, figures: dict, floor: float) -> Result:
        """From wrk's figures (latencies in microseconds)."""
        errors = figures["errors"] + figures["status_errors"]
        latencies = (figures["p50"] / 1000, figures["p95"] / 1000, figures["p99"] / 1000)
        return cls(database, size, page, mode, figures["rate"], *latencies, errors, floor)

    @property
    def ratio(self) -> float:
        return self.rate / self.floor if self.floor else 0.0


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(*command: str, env: dict | None = None) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Server:
    """gunicorn with two workers on a free loopback port."""

    def __init__(self, database_url: str, cache: str, folder: Path, redis: RedisServer | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = environment(database_url, PORTAL_URL=self.base, CACHE_TYPE=cache)
        if redis is not None:
            redis.client().flushall()
            self.env["CACHE_REDIS_URL"] = redis.url
        self.log = folder / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}", "portal:create_app()"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()}")
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


def environment(database_url: str, **more: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + "x" * 40,
        "RATELIMIT_ENABLED": "false",
        "STAFF_TWO_FACTOR": "optional",
        "MAIL_BACKEND": "console",
        "PYTHONWARNINGS": "ignore",
        **more,
    }


def prepare(database_url: str, size: int) -> None:
    """A fresh catalogue of ``size`` listings: the demo catalogue and synthetic ones."""
    env = environment(database_url)
    flask = [str(BIN / "flask"), "--app", "portal"]
    run(*flask, "db", "upgrade", env=env)
    run(*flask, "seed", "--demo", env=env)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        have = connection.scalar(text("SELECT count(*) FROM opportunity"))
    engine.dispose()
    if size > have:
        started = time.monotonic()
        run(*flask, "seed", "--synthetic", str(size - have), env=env)
        print(f"  seeded {size - have} synthetic listings in {time.monotonic() - started:.0f} s", flush=True)


def targets(database_url: str, rng: random.Random) -> dict[str, list[str]]:
    """For each page, URLs to ask for at random."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        published = "state = 'published'"
        slugs = connection.scalars(text(f"SELECT slug FROM opportunity WHERE {published} ORDER BY random() LIMIT 500"))
        slugs = list(slugs)
        zones = list(connection.scalars(text("SELECT slug FROM zone")))
        sectors = list(connection.scalars(text("SELECT slug FROM sector")))
        regions = list(connection.scalars(text(f"SELECT DISTINCT region FROM opportunity WHERE {published}")))
        vocabulary: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            rows = connection.execute(
                text(
                    "SELECT title || ' ' || summary FROM opportunity_text t "
                    "JOIN opportunity o ON o.id = t.opportunity_id "
                    "WHERE o.is_sample AND t.lang = :lang ORDER BY o.id LIMIT 200"
                ),
                {"lang": lang},
            )
            found = {w for (row,) in rows for w in words.words(row) if len(w) >= 4 and not w.isdigit()}
            vocabulary[lang] = sorted(found)
    engine.dispose()

    def listing_url() -> str:
        args: dict[str, str] = {}
        for name, chance, values in (
            ("sector", 0.4, sectors),
            ("country", 0.4, ["pk", "kg"]),
            ("stage", 0.25, ["concept", "feasibility", "ready", "operating"]),
            ("kind", 0.25, ["greenfield", "joint_venture", "equity", "ppp", "expansion", "export"]),
            ("zone", 0.15, zones),
            ("region", 0.15, regions),
            ("sort", 0.4, ["newest", "amount_asc", "amount_desc"]),
        ):
            if rng.random() < chance:
                args[name] = rng.choice(values)
        if rng.random() < 0.15:
            args["min_usd"] = str(rng.choice([100_000, 1_000_000, 10_000_000]))
        if not args and rng.random() < 0.5:
            args["page"] = str(rng.randint(2, 3))  # only where there surely are more pages
        return f"/{rng.choice(LANGUAGES)}/opportunities" + ("?" + urllib.parse.urlencode(args) if args else "")

    def search_url(lang: str) -> str:
        said = " ".join(rng.sample(vocabulary[lang], rng.choice([1, 1, 2])))
        return f"/{lang}/opportunities?" + urllib.parse.urlencode({"q": said})

    out = {
        "home": [f"/{lang}/" for lang in LANGUAGES],
        "list, random filters": [listing_url() for _ in range(URLS_PER_PAGE)],
    }
    for lang in LANGUAGES:
        out[f"search, {lang}"] = [search_url(lang) for _ in range(URLS_PER_PAGE)]
    out["listing"] = [f"/{rng.choice(LANGUAGES)}/opportunities/{slug}" for slug in slugs[:URLS_PER_PAGE]]
    out["zone"] = [f"/{rng.choice(LANGUAGES)}/zones/{slug}" for slug in zones]
    return out


def wrk(server: Server, paths: list[str], seconds: float, connections: int, folder: Path, **post: str) -> dict:
    script = folder / "bench.lua"
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in post.get("headers", {}).items())
    script.write_text(
        LUA
        % {
            "paths": ", ".join(lua_string(p) for p in paths),
            "method": "POST" if post else "GET",
            "body": lua_string(post["body"]) if post else "nil",
            "headers": headers,
            "seed": random.randint(1, 10**6),
        }
    )
    output = run(
        "wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(script), server.base
    )
    match = re.search(r"^RESULT (.*)$", output, re.M)
    if not match:
        raise SystemExit("wrk printed no result:\n" + output)
    figures = json.loads(match.group(1))
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures


def warm_up(server: Server, paths: list[str]) -> None:
    def ask(path: str) -> None:
        try:
            with urllib.request.urlopen(server.base + path, timeout=60) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            print(f"  {error.code} for {path}", flush=True)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(ask, paths))


def enquiry_post(server: Server) -> dict:
    """A session cookie, its form token, and a valid enquiry to post again and again."""
    with urllib.request.urlopen(server.base + "/en/enquire", timeout=10) as answer:
        page = answer.read().decode()
        cookies = [c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or []]
        cookie = next(c for c in cookies if c.startswith("session="))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "name": "Bench Investor",
        "organisation": "Load Test Capital",
        "email": "bench@example.net",
        "country": "KZ",
        "investor_type": "fund",
        "ticket_size": "1m_10m",
        "message": "We would like to know more about investing in a textile mill.",
        "reply_language": "en",
        "destination": "pk",
        "consent": "y",
    }
    return {
        "body": urllib.parse.urlencode(form),
        "headers": {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    }


def count_enquiries(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        n = connection.scalar(select(func.count()).select_from(text("enquiry")))
    engine.dispose()
    return int(n or 0)


def measure(
    database: str, url: str, size: int, options: argparse.Namespace, folder: Path, redis: RedisServer | None
) -> list[Result]:
    rng = random.Random(size)
    pages = targets(url, rng)
    results: list[Result] = []
    for mode, cache in (("cold", "NullCache"), ("warm", "RedisCache" if redis else "SimpleCache")):
        with Server(url, cache, folder, redis) as server:
            floor = wrk(server, ["/healthz"], options.duration, options.connections, folder)["rate"]
            for page, paths in pages.items():
                if mode == "warm":
                    warm_up(server, paths)
                figures = wrk(server, paths, options.duration, options.connections, folder)
                result = Result.of(database, size, page, mode, figures, floor)
                results.append(result)
                print(
                    f"  {mode:<4} {page:<22} {result.rate:8.1f}/s  {result.ratio:5.2f} x floor  "
                    f"p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  p99 {result.p99:7.1f} ms"
                    + (f"  {result.errors} errors" if result.errors else ""),
                    flush=True,
                )
            if mode == "cold" and database == "postgresql":
                before = count_enquiries(url)
                figures = wrk(
                    server, ["/en/enquire"], options.duration, options.connections, folder, **enquiry_post(server)
                )
                time.sleep(1)
                stored = count_enquiries(url) - before
                page = f"enquiry POST ({stored} stored of {figures['requests']} answered)"
                result = Result.of(database, size, page, mode, figures, floor)
                results.append(result)
                print(
                    f"  {mode:<4} enquiry POST           {result.rate:8.1f}/s  stored {stored}, "
                    f"answered {figures['requests']}, errors {result.errors}",
                    flush=True,
                )
            print(f"  {mode:<4} floor /healthz         {floor:8.1f}/s", flush=True)
    return results


def commit() -> str:
    try:
        return run("git", "rev-parse", "--short", "HEAD").strip() + (
            " (with uncommitted changes)" if run("git", "status", "--porcelain", "--untracked-files=no").strip() else ""
        )
    except SystemExit:
        return "unknown"


def report(results: list[Result], options: argparse.Namespace, seconds: float) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        "# Benchmark results",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit()}",
        f"- machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- load: wrk, 1 thread, {options.connections} connections, {options.duration} s per page; gunicorn, 2 sync "
        "workers; all on the same machine, over loopback",
        "- cold: page cache off (`CACHE_TYPE=NullCache`); warm: `RedisCache` (as deployed; `SimpleCache` where "
        "redis-server is missing), every URL asked once beforehand",
        f"- ratio: the page's requests per second over those of `/healthz` (the floor) in the same run; "
        f"latencies in milliseconds; whole run {seconds / 60:.0f} min",
        "",
        "| database | listings | page | mode | req/s | × floor | p50 | p95 | p99 | errors |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.size:,} | {r.page} | {r.mode} | {r.rate:.1f} | {r.ratio:.2f} | "
            f"{r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.errors} |"
        )
    lines += ["", "## Floors (`/healthz`, requests per second)", ""]
    seen = set()
    for r in results:
        if (r.database, r.size, r.mode) not in seen:
            seen.add((r.database, r.size, r.mode))
            lines.append(f"- {r.database}, {r.size:,} listings, {r.mode}: {r.floor:.1f}")
    lines += ["", "## Search at scale: p95 at the largest size over p95 at the smallest (cold)", ""]
    sizes = sorted({r.size for r in results})
    for database in sorted({r.database for r in results}):
        for lang in LANGUAGES:
            by_size = {
                r.size: r.p95
                for r in results
                if r.database == database and r.page == f"search, {lang}" and r.mode == "cold"
            }
            if len(by_size) > 1 and by_size.get(sizes[0]):
                lines.append(
                    f"- {database}, {lang}: {by_size[sizes[-1]]:.1f} ms / {by_size[sizes[0]]:.1f} ms = "
                    f"{by_size[sizes[-1]] / by_size[sizes[0]]:.2f}"
                )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, default=6)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package)")
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    results: list[Result] = []
    # Warm pages are kept in Redis, as in production: both workers share what either stored.
    redis = RedisServer(folder) if shutil.which("redis-server") else None
    if redis is not None:
        redis.start()
    for database in options.databases.split(","):
        cluster = PostgresCluster(fsync=True) if database == "postgresql" else None
        server = cluster.start() if cluster else ""
        try:
            for size in (int(s) for s in options.sizes.split(",")):
                print(f"{database}, {size:,} listings", flush=True)
                url = f"sqlite:///{folder}/bench-{size}.sqlite3"
                if cluster:
                    engine = create_engine(server, isolation_level="AUTOCOMMIT")
                    with engine.connect() as connection:
                        connection.execute(text(f"CREATE DATABASE bench_{size}"))
                    engine.dispose()
                    url = server.rsplit("/", 1)[0] + f"/bench_{size}"
                prepare(url, size)
                results += measure(database, url, size, options, folder, redis)
        finally:
            if cluster:
                cluster.stop()
    if redis is not None:
        redis.stop()
    Path(options.output).write_text(report(results, options, time.monotonic() - started), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    print(f"written {options.output}")


if __name__ == "__main__":
    main()
