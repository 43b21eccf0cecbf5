"""What goes wrong between a client and any service the simulator imitates, before the service
itself answers: latency, gateway timeouts, 5xx pages, bodies cut off or replaced by a proxy.

OpenDART, KRX and ECOS share these faults (a load balancer does not care whose API it fronts);
each service adds its own business errors on top.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class TransportFaults:
    """Failure modes of the network path, all off by default; change them at any time."""

    latency_s: float = 0.0
    error_rate: float = 0.0  # fraction answered HTTP 500/502/503
    timeout_rate: float = 0.0  # fraction that hang for timeout_sleep_s, then 504
    timeout_sleep_s: float = 30.0
    malformed_rate: float = 0.0  # HTTP 200 with a truncated or non-JSON body


@dataclass(frozen=True)
class Reply:
    body: bytes
    media_type: str
    status: str | None  # the service's own status code, None when a fault bypassed the service
    http_status: int = 200
    fault: str | None = None


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it; `params` never holds a key."""

    endpoint: str
    params: dict[str, str]
    status: str | None
    http_status: int
    fault: str | None = None  # timeout, http_error, maintenance, malformed, injected, ...


async def transport_fault(
    faults: TransportFaults, rng: random.Random, sleep: Callable[[float], Awaitable[None]]
) -> Reply | None:
    """The reply a broken network path gives instead of the service, or None to reach it."""
    if faults.latency_s > 0:
        await sleep(faults.latency_s)
    if faults.timeout_rate > 0 and rng.random() < faults.timeout_rate:
        await sleep(faults.timeout_sleep_s)
        return Reply(b"<html><body>504 Gateway Time-out</body></html>", "text/html", None, 504, "timeout")
    if faults.error_rate > 0 and rng.random() < faults.error_rate:
        code = rng.choice((500, 502, 503))
        return Reply(f"<html><body>{code} Server Error</body></html>".encode(), "text/html", None, code, "http_error")
    return None


def maybe_malformed(reply: Reply, faults: TransportFaults, rng: random.Random) -> Reply:
    """A JSON reply cut off mid-stream or replaced by a proxy's HTML page, at `malformed_rate`."""
    if (
        not reply.media_type.startswith("application/json")
        or faults.malformed_rate <= 0
        or rng.random() >= faults.malformed_rate
    ):
        return reply
    if rng.random() < 0.5:
        body = reply.body[: max(1, len(reply.body) // 2)]
    else:
        body = "<html><head><title>Service</title></head><body>일시적인 오류</body></html>".encode()
    return Reply(body, reply.media_type, None, 200, "malformed")
