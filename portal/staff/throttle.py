"""Throttling guesses at passwords and codes: an attempt is counted before it is checked, a success is refunded.

Counting after the check (as a "deduct when failed" limit does) lets guesses
sent in parallel all through before the first one is counted. Here each
attempt increments its counters atomically first, in the rate limiter's
storage (memory, or Redis shared by every instance), and only attempts that
found room are checked at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from portal.core.extensions import limiter


@dataclass
class Attempt:
    """The counters one attempt took; ``allowed`` is False when any of them was already full."""

    taken: list[tuple[RateLimitItem, str]]
    allowed: bool

    def refund(self) -> None:
        """Give back what a successful attempt took: only failures count against the limits."""
        for item, key in self.taken:
            limiter.storage.incr(item.key_for(key), item.get_expiry(), amount=-1)


def attempt(scope: str, account: str) -> Attempt:
    """Count one attempt against the account's limit and the client's address limit."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return Attempt([], True)
    checks = [
        (current_app.config["LOGIN_ACCOUNT_LIMIT"], f"{scope}:account:{account}"),
        (current_app.config["LOGIN_IP_LIMIT"], f"{scope}:ip:{get_remote_address()}"),
    ]
    window = FixedWindowRateLimiter(limiter.storage)
    taken, allowed = [], True
    for limits, key in checks:
        for item in parse_many(limits):
            taken.append((item, key))
            allowed = window.hit(item, key) and allowed
    return Attempt(taken, allowed)
