"""OpenDART client: endpoints, paging, typed errors, quota, keys, circuit breaker."""

from dart_assets.sources.dart.amounts import parse_amount
from dart_assets.sources.dart.breaker import CircuitBreaker
from dart_assets.sources.dart.client import CallRecord, DartClient
from dart_assets.sources.dart.paging import LIST_FIELDS, ListResult, Progress, WindowResult

__all__ = [
    "LIST_FIELDS",
    "CallRecord",
    "CircuitBreaker",
    "DartClient",
    "ListResult",
    "Progress",
    "WindowResult",
    "parse_amount",
]
