"""One log line per request: its id (sent back as X-Request-ID), method, endpoint, status and duration.

Nothing else goes in: not the path or query (an inbox search may name an
investor), not forms, cookies or headers, so no password, token, e-mail
address or message text can reach the log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from werkzeug.wrappers import Response

log = logging.getLogger("portal.requests")

#: an id from the proxy in front (nginx's $request_id) is kept if it looks like one
_GOOD_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    log.info(
        "request_id=%s method=%s endpoint=%s status=%s duration_ms=%.1f",
        request_id,
        request.method,
        request.endpoint or "-",
        response.status_code,
        duration,
    )
    return response


def init_app(app: Flask) -> None:
    # First in, last out: the duration covers the other hooks too.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(finish)
    # The portal's own lines, and the rate limiter's warnings (Redis unreachable, counting in memory).
    for name, level in (("portal", logging.INFO), ("flask-limiter", logging.WARNING)):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(level)
        if not logging.getLogger().handlers and not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            logger.addHandler(handler)
