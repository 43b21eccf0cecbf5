"""API keys: shown once at creation, stored only as SHA-256 hashes with their scopes."""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from dart_assets.api import SCOPES
from dart_assets.warehouse.audit import record_action

# Lookups are cached so a request costs no extra query; revocation takes effect within the TTL.
# The caches are bounded in time and size, and unknown keys have their own cache, so a flood of
# random keys can neither grow memory nor evict the keys of real clients.
CACHE_TTL_S = 30.0
KNOWN_CACHE_SIZE = 1024
UNKNOWN_CACHE_SIZE = 4096
# The longest key worth a lookup (issued keys are 47 characters).
MAX_KEY_LENGTH = 128
# How long a key that resolved stays exempt from its address's limit (it is still looked up
# and limited per key): a client behind the same address as a flood keeps working.
RECENT_TTL_S = 3600.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiPrincipal:
    key_id: int
    name: str
    scopes: frozenset[str]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(engine: sa.Engine, name: str, scopes: list[str], *, actor: str = "system") -> str:
    """Create a key and return it; only its hash is stored, so it cannot be shown again.
    The creation is audited (never the key) in the same transaction."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {SCOPES}, got {scopes}")
    key = "dfg_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            sa.text("insert into dart_ops.api_keys (name, key_hash, scopes) values (:n, :h, :s)"),
            {"n": name, "h": hash_key(key), "s": sorted(set(scopes))},
        )
        record_action(conn, actor, "api_key.create", name, {"scopes": sorted(set(scopes))})
    return key


def revoke_api_key(engine: sa.Engine, name: str, *, actor: str = "system") -> int:
    """Revoke every live key with this name; audited in the same transaction."""
    with engine.begin() as conn:
        result = conn.execute(
            sa.text("update dart_ops.api_keys set revoked_at = now() where name = :n and revoked_at is null"),
            {"n": name},
        )
        record_action(conn, actor, "api_key.revoke", name, {"revoked": result.rowcount})
    return result.rowcount


def list_api_keys(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select id, name, scopes, created_at, revoked_at, last_used_at from dart_ops.api_keys order by id")
        ).mappings()
        return [dict(r) for r in rows]


V = TypeVar("V")


class TTLCache(Generic[V]):
    """A thread-safe mapping bounded in size (least recently used out first) and in age."""

    def __init__(self, max_entries: int, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1 or ttl_s <= 0:
            raise ValueError("a cache needs max_entries >= 1 and ttl_s > 0")
        self.max_entries, self.ttl_s, self._clock = max_entries, ttl_s, clock
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, V | None]:
        """(True, value) for a live entry, else (False, None); an expired entry is dropped."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            if self._clock() - entry[0] >= self.ttl_s:
                del self._entries[key]
                return False, None
            self._entries.move_to_end(key)
            return True, entry[1]

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class KeyStore:
    """Resolves a presented key to its principal: a read-only lookup behind bounded caches.

    Only a key that resolves is written to, and then only to note `last_used_at` once per cache
    period (in its own short transaction, best effort): an unknown key costs one read-only
    query at most once per cache period, and nothing at all while it is cached as unknown.
    """

    def __init__(
        self,
        engine: sa.Engine,
        *,
        ttl_s: float = CACHE_TTL_S,
        known_size: int = KNOWN_CACHE_SIZE,
        unknown_size: int = UNKNOWN_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._known: TTLCache[ApiPrincipal] = TTLCache(known_size, ttl_s, clock)
        self._unknown: TTLCache[None] = TTLCache(unknown_size, ttl_s, clock)
        self._recent: TTLCache[None] = TTLCache(known_size, max(ttl_s, RECENT_TTL_S), clock)

    def cache_sizes(self) -> tuple[int, int]:
        """Entries held for (known, unknown) keys."""
        return len(self._known), len(self._unknown)

    def cached(self, key: str) -> tuple[bool, ApiPrincipal | None]:
        """The cached answer for a key without touching the database: (hit, principal)."""
        digest = hash_key(key)
        hit, principal = self._known.get(digest)
        if hit:
            return True, principal
        hit, _ = self._unknown.get(digest)
        return hit, None

    def recently_valid(self, key: str) -> bool:
        """Whether the key resolved within the last hour (exempts it from the address limit only)."""
        return len(key) <= MAX_KEY_LENGTH and self._recent.get(hash_key(key))[0]

    def lookup(self, key: str) -> ApiPrincipal | None:
        hit, principal = self.cached(key)
        if hit:
            return principal
        digest = hash_key(key)
        if len(key) > MAX_KEY_LENGTH:
            self._unknown.put(digest, None)
            return None
        with self._engine.connect().execution_options(postgresql_readonly=True) as conn:
            row = conn.execute(
                sa.text("select id, name, scopes from dart_ops.api_keys where key_hash = :h and revoked_at is null"),
                {"h": digest},
            ).first()
        if row is None:
            self._unknown.put(digest, None)
            self._recent.discard(digest)  # revoked: no longer exempt
            return None
        principal = ApiPrincipal(row.id, row.name, frozenset(row.scopes))
        self._known.put(digest, principal)
        self._recent.put(digest, None)
        self._touch(principal.key_id)
        return principal

    def _touch(self, key_id: int) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(sa.text("update dart_ops.api_keys set last_used_at = now() where id = :i"), {"i": key_id})
        except sa.exc.SQLAlchemyError as exc:  # a read-only replica, a lock: the request still passes
            log.warning("could not record last_used_at of API key %s: %s", key_id, type(exc).__name__)
