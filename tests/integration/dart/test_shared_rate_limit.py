"""The request-rate ceiling holds across processes: every caller queues on one slot in PostgreSQL."""

from __future__ import annotations

import multiprocessing
import time

import sqlalchemy as sa

from dart_assets.sources.http.ratelimit import SharedIntervalLimiter


def _caller(url: str, calls: int, starts) -> None:
    engine = sa.create_engine(url)
    limiter = SharedIntervalLimiter(engine, "dart_api", requests_per_second=20)
    for _ in range(calls):
        limiter.wait()
        starts.append(time.time())
    engine.dispose()


def test_two_processes_together_stay_under_one_ceiling(db_url) -> None:
    manager = multiprocessing.get_context("spawn").Manager()
    starts = manager.list()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_caller, args=(db_url, 10, starts)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    times = sorted(starts)
    assert len(times) == 20
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # 20 calls at 20/s take >= 0.95 s together; per-process limiters would let them overlap
    assert times[-1] - times[0] >= 0.9
    assert min(gaps) >= 0.03  # 50 ms slots, some scheduling jitter allowed
    manager.shutdown()


def test_a_caller_alone_is_not_slowed_by_an_idle_row(engine) -> None:
    limiter = SharedIntervalLimiter(engine, "krx", requests_per_second=5)
    slept: list[float] = []
    limiter._sleep = slept.append
    assert limiter.wait() == 0.0  # the first slot is now
    assert 0.15 < limiter.wait() <= 0.2  # the next one a fifth of a second later
