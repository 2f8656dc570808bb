"""Defaults for a site on the open internet: a real secret key, trusted hosts only, security headers on every answer."""

from __future__ import annotations

import logging
import os
import sys
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from portal.core.extensions import limiter

log = logging.getLogger(__name__)

#: the key the portal once shipped with; it is public, so it signs nothing
KNOWN_KEYS = frozenset({"dev-only-change-me"})
MIN_KEY_BYTES = 32

#: what every page may load: its own files, nothing inline, no frames, no plugins
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class ConfigurationError(RuntimeError):
    """The app must not start with this configuration; the message says what to set."""


def secret_key_problem(key: str | bytes | None) -> str | None:
    """Why ``key`` must not sign sessions, or None when it will do."""
    if not key:
        return "SECRET_KEY is not set"
    if key in KNOWN_KEYS:
        return "SECRET_KEY is the public default"
    if len(key.encode() if isinstance(key, str) else key) < MIN_KEY_BYTES:
        return f"SECRET_KEY is shorter than {MIN_KEY_BYTES} bytes"
    return None


#: options of the ``flask`` command that take a value (``flask --app portal run``)
_FLASK_OPTIONS_WITH_VALUE = {"--app", "-A", "--env-file", "-e"}


def flask_command(argv: list[str]) -> str | None:
    """The command ``flask`` was asked to run ("run", "db", "check", …); None when this is not the Flask CLI."""
    program = os.path.basename(argv[0]) if argv else ""
    if program != "flask" and not argv[0].endswith(os.path.join("flask", "__main__.py")):
        return None
    args = iter(argv[1:])
    for arg in args:
        if arg in _FLASK_OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _serves(argv: list[str]) -> bool:
    """Whether this process will answer requests: anything but a maintenance command of the Flask CLI.

    ``check`` must start to report a bad key; ``db upgrade`` or ``users create`` sign nothing.
    """
    command = flask_command(argv)
    return command is None or command == "run"


def trusted_hosts(portal_url: str) -> list[str]:
    """The host of PORTAL_URL: the one name requests may arrive under, unless TRUSTED_HOSTS says more."""
    host = urlsplit(portal_url).hostname
    return [host] if host else []


#: counted in the rate limiter's storage (Redis in production), so that `check` in another process sees it
FORWARDED_KEY = "portal:forwarded-without-proxy-hops"
FORWARDED_KEPT = 7 * 24 * 3600
#: a process notes it at most this often, so that a misconfigured proxy does not cost a round trip per request
FORWARDED_NOTE_EVERY = 3600


def notice_forwarded_headers() -> None:
    """Remember X-Forwarded-For arriving while PROXY_HOPS is 0: the app sees the proxy's address, not the client's."""
    if current_app.config["PROXY_HOPS"] or "X-Forwarded-For" not in request.headers:
        return
    noted = current_app.extensions.get("portal.forwarded_noted_at")
    now = time.monotonic()
    if noted is not None and now - noted < FORWARDED_NOTE_EVERY:
        return
    if noted is None:
        log.warning("X-Forwarded-For arrives but PROXY_HOPS is 0: client addresses are the proxy's")
    current_app.extensions["portal.forwarded_noted_at"] = now
    if current_app.config["RATELIMIT_ENABLED"]:  # otherwise the limiter has no storage
        try:
            limiter.storage.incr(FORWARDED_KEY, FORWARDED_KEPT)
        except Exception:  # Redis down: the request matters more than the note, which the next hour retries
            log.warning("rate-limit storage unreachable: X-Forwarded-For without PROXY_HOPS not noted")


def forwarded_without_proxy_hops() -> bool:
    return current_app.config["RATELIMIT_ENABLED"] and bool(limiter.storage.get(FORWARDED_KEY))


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem and not (app.debug or app.testing) and _serves(sys.argv):
        raise ConfigurationError(
            f"{problem}. Set SECRET_KEY to a random value of at least {MIN_KEY_BYTES} bytes, e.g. "
            '`python -c "import secrets; print(secrets.token_hex(32))"`. The portal does not start without one.'
        )
    if app.config["STAFF_TWO_FACTOR"] not in ("required", "optional"):
        raise ConfigurationError("STAFF_TWO_FACTOR must be 'required' or 'optional'.")
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["PORTAL_URL"])
    app.before_request(notice_forwarded_headers)
    app.after_request(add_headers)
