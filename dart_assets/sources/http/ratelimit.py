"""A client-side request-rate ceiling.

DART is reported to block an IP at about 1,000 requests a minute (and sometimes far below), so
the client spaces its calls itself rather than relying on DART's goodwill. A minimum interval
between call starts is enough: the client issues calls one at a time. With a warehouse the
slots are shared by every process (SharedIntervalLimiter); without one, per process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa


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


_ENSURE = sa.text("INSERT INTO dart_ops.rate_limits (name) VALUES (:name) ON CONFLICT (name) DO NOTHING")
_TAKE_SLOT = sa.text(
    """
    UPDATE dart_ops.rate_limits
       SET next_slot = greatest(next_slot, clock_timestamp()) + make_interval(secs => :interval)
     WHERE name = :name
    RETURNING extract(epoch FROM (next_slot - make_interval(secs => :interval) - clock_timestamp())) AS delay
    """
)


class SharedIntervalLimiter:
    """The same ceiling for every process that calls one API, kept in `dart_ops.rate_limits`.

    Each call takes the next free slot in one atomic UPDATE (the row lock orders concurrent
    callers) and sleeps until it: runs, retries and `dart-fg list` all queue on one clock, the
    database's, so together they stay under the ceiling the IP is judged by.
    """

    def __init__(
        self,
        engine: sa.Engine,
        name: str,
        requests_per_second: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests_per_second <= 0:
            raise ValueError(f"requests_per_second must be positive, got {requests_per_second!r}")
        self.engine = engine
        self.name = name
        self.interval = 1.0 / requests_per_second
        self._sleep = sleep
        with engine.begin() as conn:
            conn.execute(_ENSURE, {"name": name})

    def wait(self) -> float:
        with self.engine.begin() as conn:
            delay = float(conn.execute(_TAKE_SLOT, {"name": self.name, "interval": self.interval}).scalar_one())
        delay = max(0.0, delay)
        if delay:
            self._sleep(delay)
        return delay


def rate_limiter(
    engine: sa.Engine | None, name: str, requests_per_second: float
) -> MinIntervalLimiter | SharedIntervalLimiter:
    """The ceiling every process shares under `name` when there is a warehouse, else this process's own."""
    if engine is not None:
        return SharedIntervalLimiter(engine, name, requests_per_second)
    return MinIntervalLimiter(requests_per_second)
