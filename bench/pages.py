"""Time the public pages on the demo catalogue and count their SQL statements.

Usage: .venv/bin/python bench/pages.py [--requests N] [--database-url URL]
Prints, per page, the median and 95th-percentile time of N requests through
the WSGI app (no network) and the number of SQL statements one request sends.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from portal import create_app
from portal.catalogue import demo
from portal.core.extensions import db

PAGES = [
    "/{lang}/",
    "/{lang}/opportunities",
    "/{lang}/opportunities?q=textile",
    "/{lang}/opportunities?country=kg&sector=energy&sort=amount_desc",
    "/{lang}/opportunities/{slug}",
    "/{lang}/sectors/textiles",
    "/{lang}/zones",
    "/{lang}/zones/rashakai",
    "/{lang}/corridor",
    "/{lang}/invest-in/kyrgyzstan",
    "/{lang}/compare?zones=rashakai,bishkek-fez,naryn-fez,high-technology-park",
    "/{lang}/incentives?zone=rashakai&investment=10000000&imported_share=40&annual_profit=2000000"
    "&export_share=50&jobs=200&start_year=2027",
    "/{lang}/alerts/new?sector=textiles&country=pk",
    "/{lang}/about",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--lang", default="ru")
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="portal-bench")
    url = options.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        demo.load()
        slug = db.session.execute(db.text("SELECT slug FROM opportunity ORDER BY id LIMIT 1")).scalar()
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))

    client = app.test_client()
    print(f"database: {url.split(':', 1)[0]}, language: {options.lang}, {options.requests} requests a page")
    print(f"{'page':<72} {'median ms':>9} {'p95 ms':>7} {'SQL':>4}")
    for template in PAGES:
        path = template.format(lang=options.lang, slug=slug)
        statements.clear()
        assert client.get(path).status_code == 200, path
        per_request = len(statements)
        timings = []
        for _ in range(options.requests):
            start = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{path:<72} {statistics.median(timings):>9.2f} {p95:>7.2f} {per_request:>4}")


if __name__ == "__main__":
    main()
