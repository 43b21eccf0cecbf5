"""A client-side request-rate ceiling.

DART is reported to block an IP at about 1,000 requests a minute (and sometimes far below), so
the client spaces its calls itself rather than relying on DART's goodwill. A minimum interval
between call starts is enough: the client issues calls one at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class MinIntervalLimiter:
    """Blocks in `wait()` until at least 1/rate seconds have passed since the previous call."""

    def __init__(
        self,
        requests_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests_per_second <= 0:
            raise ValueError(f"requests_per_second must be positive, got {requests_per_second!r}")
        self.interval = 1.0 / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Wait for the next slot; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            delay = max(0.0, self._next_slot - now)
            self._next_slot = max(now, self._next_slot) + self.interval
        if delay:
            self._sleep(delay)
        return delay
