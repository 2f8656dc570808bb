"""The response cache: public pages kept whole for visitors who have no session.

A view marked ``@cached_page`` is answered from the cache when the request is a
GET or HEAD from a visitor without a session or remember-me cookie: staff, a
visitor who has filled in a form, anyone who could see a flashed message or a
form's token, is always served afresh, and never stored. The key is the full
URL (which holds the language) and the content version (core.freshness), so a
change to anything public makes every stored page unreachable at once, in every
process, without deleting anything: old pages simply expire.

Where the cache lives is Flask-Caching's setting: ``SimpleCache`` (each process
its own) by default, Redis in production (``CACHE_TYPE=RedisCache``), none with
``NullCache``. A cache that does not answer costs a warning, never a request.

Every page so marked gets an ``ETag``; a browser that has it gets a 304.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_caching import Cache

from portal.core import freshness

F = TypeVar("F", bound=Callable[..., Any])

cache = Cache()
log = logging.getLogger(__name__)

#: headers not kept with a stored page: they belong to one answer
_PER_ANSWER = {"set-cookie", "date", "content-length", "x-request-id", "x-page-cache"}


def cached_page(view: F) -> F:
    """Mark a public view whose page, for a visitor without a session, is the same for everyone."""
    view.cached_page = True  # type: ignore[attr-defined]
    return view


def _cacheable() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "cached_page", False):
        return False
    cookies = (
        current_app.config["SESSION_COOKIE_NAME"],
        current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    )
    return not any(request.cookies.get(name) for name in cookies)


def _key() -> str:
    url = hashlib.sha256(request.full_path.encode()).hexdigest()
    return f"page:{freshness.current()}:{url}"


def _answered(response: Response) -> Response:
    response.add_etag(overwrite=False)  # a kept page brings the ETag it was kept with: no hashing per visit
    response.headers.setdefault("Cache-Control", "no-cache")
    response.make_conditional(request)  # a 304 in place when the browser has this version
    return response


def serve_from_cache() -> Response | None:
    """before_request: the stored page, if there is one."""
    if not current_app.config.get("PAGE_CACHE_ENABLED", True) or not _cacheable():
        return None
    g.page_cache_key = _key()
    try:
        stored = cache.get(g.page_cache_key)
    except Exception:
        log.warning("page cache unavailable: serving without it", exc_info=True)
        g.page_cache_key = None
        return None
    if stored is None:
        return None
    status, headers, body = stored
    response = current_app.response_class(body, status=status, headers=headers)
    response.headers["X-Page-Cache"] = "hit"
    g.page_cache_key = None
    return _answered(response)


def store_in_cache(response: Response) -> Response:
    """after_request: keep a fresh page for the next visitor, and answer with its ETag."""
    key = g.pop("page_cache_key", None)
    if key is None:
        return response
    if response.status_code != 200 or session.modified or response.direct_passthrough:
        return response
    response.add_etag()
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _PER_ANSWER]
    try:
        cache.set(key, (response.status_code, headers, response.get_data()))
    except Exception:
        log.warning("page cache unavailable: page not kept", exc_info=True)
    response.headers["X-Page-Cache"] = "miss"
    return _answered(response)


def init_app(app: Flask) -> None:
    cache.init_app(app)
    app.before_request(serve_from_cache)
    app.after_request(store_in_cache)
