"""Rate limits of the read API, on the `limits` library (in-process memory storage).

Three limits, checked in this order:

1. per client address, on every request (health and docs included), before anything else;
2. per client address, on failed key lookups: once an address has presented too many unknown
   keys, keys it presents that are not already known are refused without a lookup;
3. per API key, after the lookup (the budget of a client that authenticates).

Addresses are IPv4 addresses, or the /64 of an IPv6 address (one subscriber holds a whole /64,
so counting single IPv6 addresses would be no limit at all).
"""

from __future__ import annotations

import ipaddress
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter


class Limit:
    """One limit ("600/minute") over a space of identifiers."""

    def __init__(self, spec: str, *, exact: bool = False) -> None:
        self.spec = spec
        self.item: RateLimitItem = parse(spec)
        # The moving window is exact but keeps one timestamp per hit; the sliding window counter
        # is O(1) per identifier, which suits counting every request of arbitrary addresses (it
        # is approximate: just after a window boundary it may let a request or two more through).
        strategy = MovingWindowRateLimiter if exact else SlidingWindowCounterRateLimiter
        self._limiter: RateLimiter = strategy(MemoryStorage())

    def hit(self, identifier: str) -> bool:
        """Count one hit; False when the identifier is over its limit (nothing counted then)."""
        return self._limiter.hit(self.item, identifier)

    def allowed(self, identifier: str) -> bool:
        """Whether one more hit would pass, without counting it."""
        return self._limiter.test(self.item, identifier)

    def retry_after(self, identifier: str) -> str:
        """Whole seconds until the identifier may try again (at least 1), for Retry-After."""
        reset_at = self._limiter.get_window_stats(self.item, identifier).reset_time
        return str(max(1, math.ceil(reset_at - time.time())))


def scaled(spec: str, factor: int) -> str:
    """The same limit `factor` times over: scaled("600/minute", 4) == "2400 per 1 minute"."""
    item = parse(spec)
    return f"{item.amount * factor} per {item.multiples} {item.GRANULARITY.name}"


def client_bucket(host: str | None) -> str:
    """The identifier an address is counted under: IPv4 itself, IPv6 by its /64."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]  # not an IP (test clients, unix sockets)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
