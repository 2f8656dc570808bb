"""Throttling guesses at passwords and codes: an attempt is counted before it is checked, a success is refunded.

Counting after the check (as a "deduct when failed" limit does) lets guesses
sent in parallel all through before the first one is counted. Here each
attempt increments its counters atomically first, in the rate limiter's
storage (memory, or Redis shared by every instance); one that finds no room
gets the localized 429 page and is not checked at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import abort, current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from portal.core.extensions import limiter, limiter_storage_answers

log = logging.getLogger(__name__)


def _storage() -> Storage:
    """The limiter's storage, or this process's memory while that storage is unreachable."""
    if limiter_storage_answers():
        return limiter.storage
    log.warning("rate-limit storage unreachable: counting sign-in attempts in this process's memory")
    return current_app.extensions.setdefault("portal.throttle_fallback", MemoryStorage())


@dataclass
class Attempt:
    """The counters one attempt took."""

    taken: list[tuple[RateLimitItem, str]]
    storage: Storage | None = None

    def refund(self) -> None:
        """Give back what a successful attempt took: only failures count against the limits."""
        for item, key in self.taken:
            assert self.storage is not None
            self.storage.incr(item.key_for(key), item.get_expiry(), amount=-1)


def attempt(scope: str, account: str) -> Attempt:
    """Count one attempt against the account's limit and the client's address limit; a 429 when either is full."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return Attempt([])
    checks = [
        (current_app.config["LOGIN_ACCOUNT_LIMIT"], f"{scope}:account:{account}"),
        (current_app.config["LOGIN_IP_LIMIT"], f"{scope}:ip:{get_remote_address()}"),
    ]
    storage = _storage()
    window = FixedWindowRateLimiter(storage)
    taken, allowed = [], True
    for limits, key in checks:
        for item in parse_many(limits):
            taken.append((item, key))
            allowed = window.hit(item, key) and allowed
    if not allowed:
        abort(429)
    return Attempt(taken, storage)
